using Likeness.Imaging.Codecs;
using Likeness.Server.Tests.Support;
using Likeness.Server.PhotoChecks;

namespace Likeness.Server.Tests;

/// <summary>The inspector decodes every pixel, so damage that headers do not show is still refused.</summary>
public sealed class CodecImageInspectorTests
{
    readonly CodecImageInspector inspector = new();

    [Fact]
    public void Reads_format_and_size_of_png_jpeg_and_webp()
    {
        Assert.Equal(new ImageInspection("png", 640, 480, null), inspector.Inspect(TestImages.Png(640, 480)));
        Assert.Equal(new ImageInspection("jpeg", 768, 768, null), inspector.Inspect(TestPhotos.Face(1, ImageFormat.Jpeg)));
        Assert.Equal(new ImageInspection("webp", 768, 768, null), inspector.Inspect(TestPhotos.Face(2, ImageFormat.WebP)));
    }

    [Fact]
    public void A_jpeg_with_valid_headers_but_garbage_scan_data_is_refused()
    {
        var headerOnly = TestImages.JpegHeaderOnly(800, 800);
        var result = inspector.Inspect(headerOnly);
        Assert.False(result.IsImage);
        Assert.Equal("jpeg", result.Format);
        Assert.Contains("cannot be read", result.Problem);
    }

    [Fact]
    public void Truncated_and_damaged_files_are_refused_with_the_decoders_reason()
    {
        var jpeg = TestPhotos.Face(3, ImageFormat.Jpeg);
        Assert.Contains("JPEG", inspector.Inspect(jpeg[..(jpeg.Length / 2)]).Problem);
        var png = TestImages.Png(600, 600, seed: 4);
        Assert.Contains("PNG", inspector.Inspect(png[..^20]).Problem);
        png[40] ^= 0xFF; // inside IDAT: its CRC no longer matches
        Assert.False(inspector.Inspect(png).IsImage);
    }

    [Fact]
    public void Foreign_formats_and_empty_input_are_not_images()
    {
        Assert.Null(inspector.Inspect("GIF89a........"u8.ToArray()).Format);
        Assert.Contains("not a JPEG, PNG or WebP", inspector.Inspect("GIF89a........"u8.ToArray()).Problem);
        Assert.Same(ImageInspection.NotAnImage, inspector.Inspect([]));
        Assert.Same(ImageInspection.NotAnImage, inspector.Inspect("hello, I am not a photo"u8.ToArray()));
    }
}
