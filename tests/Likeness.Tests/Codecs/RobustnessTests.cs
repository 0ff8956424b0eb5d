using System.Buffers.Binary;
using Likeness.Imaging.Codecs;
using static Likeness.Tests.Codecs.CodecTestImages;

namespace Likeness.Tests.Codecs;

public class RobustnessTests
{
    static readonly byte[] NoiseJpeg = ImageCodec.Encode(Noise(200, 200, alpha: false), ImageFormat.Jpeg);

    [Fact]
    public void Truncated_jpeg_fails_with_turbojpegs_reason()
    {
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(NoiseJpeg.AsSpan(0, NoiseJpeg.Length / 2), "half.jpg"));
        Assert.Equal(ImageDecodeFailure.Corrupt, e.Failure);
        Assert.Equal(ImageFormat.Jpeg, e.Format);
        Assert.StartsWith("half.jpg: corrupt JPEG (libturbojpeg: ", e.Message);
        Assert.Contains("premature end", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Truncated_jpeg_can_be_accepted_on_request()
    {
        var options = new DecodeOptions { TolerateJpegWarnings = true };
        var image = ImageCodec.Decode(NoiseJpeg.AsSpan(0, NoiseJpeg.Length / 2), options: options);
        Assert.Equal((200, 200), (image.Width, image.Height));
    }

    [Fact]
    public void Jpeg_cut_inside_its_headers_says_the_frame_header_is_missing()
    {
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(NoiseJpeg.AsSpan(0, 40)));
        Assert.Contains("no frame header (SOF)", e.Message);
    }

    [Fact]
    public void Truncated_png_fails_with_libpngs_reason()
    {
        var png = ImageCodec.Encode(Noise(200, 200, alpha: true), ImageFormat.Png);
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(png.AsSpan(0, png.Length / 2), "half.png"));
        Assert.Equal(ImageDecodeFailure.Corrupt, e.Failure);
        Assert.StartsWith("half.png: corrupt PNG (libpng: ", e.Message);
        Assert.True(e.Reason.Length > "corrupt PNG (libpng: )".Length, "libpng's message should be carried");
    }

    [Fact]
    public void Png_cut_inside_ihdr_is_reported_without_native_code()
    {
        var png = ImageCodec.Encode(Quadrants(8, 8), ImageFormat.Png);
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Identify(png.AsSpan(0, 20)));
        Assert.Contains("file ends inside the IHDR header", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_webp_fails_and_says_it_is_truncated(bool lossless)
    {
        var webp = ImageCodec.Encode(Noise(200, 200, alpha: true), ImageFormat.WebP, new EncodeOptions { Lossless = lossless });
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(webp.AsSpan(0, webp.Length / 2), "half.webp"));
        Assert.Equal(ImageDecodeFailure.Corrupt, e.Failure);
        Assert.StartsWith("half.webp: corrupt WebP (", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Huge_png_header_is_refused_before_allocating()
    {
        var bomb = BuildPng(100_000, 100_000, 8, 6, new byte[64]);
        Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(bomb)); // warm-up: JIT and static tables

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(bomb, "bomb.png"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(ImageDecodeFailure.TooLarge, e.Failure);
        Assert.Contains("100000x100000 (10,000,000,000 pixels)", e.Message);
        Assert.Contains("limit of 50,000,000 pixels", e.Message);
        Assert.Contains("DecodeOptions.MaxPixels", e.Message);
        Assert.True(allocated < 10_000_000, $"refusing allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Huge_jpeg_frame_header_is_refused()
    {
        var jpeg = (byte[])NoiseJpeg.Clone();
        int sof = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), 60000);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), 60000);
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(jpeg));
        Assert.Equal(ImageDecodeFailure.TooLarge, e.Failure);
        Assert.Contains("60000x60000", e.Message);
    }

    [Fact]
    public void Huge_webp_canvas_is_refused()
    {
        var small = ImageCodec.Encode(Quadrants(16, 16), ImageFormat.WebP, new EncodeOptions { Lossless = true });
        var extended = ImageMetadata.Embed(small, new EmbeddedMetadata(Xmp: "<x/>"));
        Assert.Equal("VP8X"u8.ToArray(), extended[12..16]);
        extended[24] = extended[27] = 0xFF;
        extended[25] = extended[28] = 0x3F; // canvas 16384x16384
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(extended));
        Assert.Equal(ImageDecodeFailure.TooLarge, e.Failure);
        Assert.Contains("16384x16384", e.Message);
    }

    [Fact]
    public void Pixel_limit_is_configurable()
    {
        var png = ImageCodec.Encode(Quadrants(100, 100), ImageFormat.Png);
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(png, options: new DecodeOptions { MaxPixels = 9_999 }));
        Assert.Contains("over the limit of 9,999 pixels", e.Message);
        Assert.Equal(100, ImageCodec.Decode(png, options: new DecodeOptions { MaxPixels = 10_000 }).Width);
    }

    [Fact]
    public void Garbage_after_a_jpeg_signature_is_corrupt_not_a_crash()
    {
        var data = new byte[2048];
        new Random(11).NextBytes(data);
        data[0] = 0xFF; data[1] = 0xD8; data[2] = 0xFF;
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(data));
        Assert.Equal(ImageDecodeFailure.Corrupt, e.Failure);
    }

    [Fact]
    public void Crc32_matches_the_standard_check_values()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0xAE426082u, Crc32.Compute("IEND"u8));
    }
}
