using Likeness.Server.Imaging;
using Likeness.Server.Tests.Support;

namespace Likeness.Server.Tests;

public sealed class ImageInspectorTests
{
    readonly HeaderImageInspector inspector = new();

    [Fact]
    public void Reads_png_and_jpeg_sizes()
    {
        Assert.Equal(new ImageInspection("png", 640, 480, null), inspector.Inspect(TestImages.Png(640, 480)));
        Assert.Equal(new ImageInspection("jpeg", 1024, 768, null), inspector.Inspect(TestImages.JpegHeaderOnly(1024, 768)));
    }

    [Fact]
    public void Reads_webp_lossless_and_extended_sizes()
    {
        // VP8L: 'RIFF' size 'WEBP' 'VP8L' size, signature 0x2F, then 14-bit width-1 and height-1.
        var vp8l = new byte[40];
        "RIFF"u8.CopyTo(vp8l); BitConverter.GetBytes(32).CopyTo(vp8l, 4); "WEBPVP8L"u8.CopyTo(vp8l.AsSpan(8));
        BitConverter.GetBytes(20).CopyTo(vp8l, 16);
        vp8l[20] = 0x2F;
        BitConverter.GetBytes((uint)(599 | (799 << 14))).CopyTo(vp8l, 21);
        Assert.Equal(new ImageInspection("webp", 600, 800, null), inspector.Inspect(vp8l));

        var vp8x = new byte[40];
        "RIFF"u8.CopyTo(vp8x); BitConverter.GetBytes(32).CopyTo(vp8x, 4); "WEBPVP8X"u8.CopyTo(vp8x.AsSpan(8));
        (vp8x[24], vp8x[25], vp8x[26]) = (0xFF, 0x07, 0); // 2047 -> 2048 wide
        (vp8x[27], vp8x[28], vp8x[29]) = (0xFF, 0x03, 0); // 1023 -> 1024 high
        Assert.Equal(new ImageInspection("webp", 2048, 1024, null), inspector.Inspect(vp8x));
    }

    [Fact]
    public void Flags_corruption_truncation_and_foreign_formats()
    {
        Assert.Contains("truncated", inspector.Inspect(TestImages.JpegHeaderOnly(800, 800, withEnd: false)).Problem);
        var png = TestImages.Png(600, 600);
        Assert.Contains("truncated", inspector.Inspect(png[..^12]).Problem);
        png[20] ^= 1; // inside IHDR
        Assert.Contains("CRC", inspector.Inspect(png).Problem);
        Assert.Null(inspector.Inspect("GIF89a...."u8.ToArray()).Format);
        Assert.Contains("RIFF", inspector.Inspect([.. "RIFF"u8, 0xFF, 0xFF, 0, 0, .. "WEBPVP8 "u8, .. new byte[30]]).Problem);
    }
}
