using System.Runtime.InteropServices;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using static Likeness.Tests.Codecs.CodecTestImages;

namespace Likeness.Tests.Codecs;

/// <summary>Inputs our encoders never produce: greyscale and CMYK JPEG, 16-bit, palette and grey PNG.</summary>
public unsafe class DecodeVariantTests
{
    [Fact]
    public void Greyscale_jpeg_decodes_to_grey_rgba()
    {
        var jpeg = CompressWithTurboJpeg(Gradient(64, 64, alpha: false).Data, 64, 64, TurboJpegNative.PixelFormatRgba, subsampling: 3 /* TJSAMP_GRAY */);
        var decoded = ImageCodec.Decode(jpeg);
        Assert.Equal((64, 64), (decoded.Width, decoded.Height));
        foreach (var p in decoded.Pixels.ToArray()) Assert.True(p.R == p.G && p.G == p.B && p.A == 255, $"{p} is not opaque grey");
        Assert.True(decoded[63, 63].R > decoded[0, 0].R + 100, "the gradient should survive");
    }

    [Fact]
    public void Cmyk_jpeg_is_converted_to_rgb()
    {
        // libjpeg's Adobe convention stores inverted ink (255 = none): (255,0,0,255) is red, (255,255,255,128) is mid grey.
        var cmyk = new byte[32 * 16 * 4];
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 32; x++)
            {
                byte[] ink = x < 16 ? [255, 0, 0, 255] : [255, 255, 255, 128];
                ink.CopyTo(cmyk, (y * 32 + x) * 4);
            }
        var jpeg = CompressWithTurboJpeg(cmyk, 32, 16, TurboJpegNative.PixelFormatCmyk, subsampling: 0 /* TJSAMP_444 */);
        var decoded = ImageCodec.Decode(jpeg);
        AssertClose(new Rgba32(255, 0, 0), decoded[4, 8], 6);
        AssertClose(new Rgba32(128, 128, 128), decoded[28, 8], 6);
    }

    [Fact]
    public void Sixteen_bit_png_without_gamma_is_read_as_srgb()
    {
        // R=0xFFFF, G=0x8080 (exactly 128 in 8 bits), B=0x0000: a linear reading would turn G into ~188.
        var raw = UnfilteredRows(4 * 6, 4, (_, i) => (i % 6) switch { 0 or 1 => 0xFF, 2 or 3 => 0x80, _ => 0 });
        var decoded = ImageCodec.Decode(BuildPng(4, 4, 16, 2, raw));
        AssertClose(new Rgba32(255, 128, 0), decoded[2, 2], 1);
    }

    [Fact]
    public void Palette_png_with_transparency_decodes_exactly()
    {
        byte[] plte = [255, 0, 0, 0, 255, 0, 0, 0, 255];
        byte[] trns = [255, 128, 0];
        var raw = UnfilteredRows(3, 2, (y, i) => (byte)((y + i) % 3));
        var decoded = ImageCodec.Decode(BuildPng(3, 2, 8, 3, raw, ("PLTE", plte), ("tRNS", trns)));
        Assert.Equal(new Rgba32(255, 0, 0, 255), decoded[0, 0]);
        Assert.Equal(new Rgba32(0, 255, 0, 128), decoded[1, 0]);
        Assert.Equal(new Rgba32(0, 0, 255, 0), decoded[2, 0]);
        Assert.Equal(new Rgba32(0, 255, 0, 128), decoded[0, 1]);
    }

    [Fact]
    public void Palette_png_with_trns_reports_alpha_in_identify()
    {
        byte[] plte = [255, 0, 0, 0, 255, 0];
        var raw = UnfilteredRows(2, 1, (_, i) => (byte)i);
        Assert.True(ImageCodec.Identify(BuildPng(2, 1, 8, 3, raw, ("PLTE", plte), ("tRNS", [255, 0]))).HasAlpha);
        Assert.False(ImageCodec.Identify(BuildPng(2, 1, 8, 3, raw, ("PLTE", plte))).HasAlpha);
    }

    [Fact]
    public void Greyscale_and_grey_alpha_png_expand_to_rgba()
    {
        var grey = ImageCodec.Decode(BuildPng(4, 1, 8, 0, UnfilteredRows(4, 1, (_, i) => (byte)(i * 60))));
        Assert.Equal(new Rgba32(180, 180, 180, 255), grey[3, 0]);
        var greyAlpha = ImageCodec.Decode(BuildPng(2, 1, 8, 4, UnfilteredRows(4, 1, (_, i) => i switch { 0 => 10, 1 => 20, 2 => 200, _ => 255 })));
        Assert.Equal(new Rgba32(10, 10, 10, 20), greyAlpha[0, 0]);
        Assert.Equal(new Rgba32(200, 200, 200, 255), greyAlpha[1, 0]);
    }

    [Fact]
    public void Png_control_struct_matches_libpng_layout()
    {
        Assert.Equal(104, sizeof(PngImage));
        Assert.Equal(36, Marshal.OffsetOf<PngImage>(nameof(PngImage.Message)).ToInt32());
    }

    [Fact]
    public void Webp_encoder_structs_match_libwebp_layout()
    {
        Assert.Equal(256, sizeof(WebPPicture));
        Assert.Equal(96, Marshal.OffsetOf<WebPPicture>(nameof(WebPPicture.Writer)).ToInt32());
        Assert.Equal(136, Marshal.OffsetOf<WebPPicture>(nameof(WebPPicture.ErrorCode)).ToInt32());
        Assert.Equal(96, Marshal.OffsetOf<WebPConfig>(nameof(WebPConfig.Exact)).ToInt32());
    }

    static byte[] CompressWithTurboJpeg(byte[] pixels, int width, int height, int pixelFormat, int subsampling)
    {
        using var handle = TurboJpegHandle.Create(TurboJpegNative.tjInitCompress(), "compress");
        byte* jpeg = null;
        CULong size = default;
        try
        {
            fixed (byte* src = pixels)
                Assert.Equal(0, TurboJpegNative.tjCompress2(handle, src, width, width * 4, height, pixelFormat, &jpeg, &size, subsampling, 95, 0));
            return new ReadOnlySpan<byte>(jpeg, (int)size.Value).ToArray();
        }
        finally
        {
            if (jpeg != null) TurboJpegNative.tjFree(jpeg);
        }
    }
}
