using System.Text;
using Likeness.Imaging.Codecs;
using static Likeness.Tests.Codecs.CodecTestImages;

namespace Likeness.Tests.Codecs;

public class FormatSnifferTests
{
    [Theory]
    [InlineData(ImageFormat.Jpeg)]
    [InlineData(ImageFormat.Png)]
    [InlineData(ImageFormat.WebP)]
    public void Encoded_files_are_recognised_from_their_bytes(ImageFormat format)
    {
        var bytes = ImageCodec.Encode(Quadrants(32, 16), format);
        Assert.Equal(format, ImageCodec.DetectFormat(bytes));
    }

    public static TheoryData<string, byte[]> OtherFormats => new()
    {
        { "HEIC", Ftyp("heic", "mif1", "heic") },
        { "HEIF", Ftyp("mif1", "mif1") },
        { "AVIF", Ftyp("avif", "mif1", "avif") },
        { "GIF", [.. "GIF89a"u8, 1, 0, 1, 0, 0, 0, 0] },
        { "GIF", [.. "GIF87a"u8, 1, 0, 1, 0, 0, 0, 0] },
        { "BMP", [.. "BM"u8, 0x46, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 0x28, 0] },
        { "TIFF", [.. "II*\0"u8, 8, 0, 0, 0] },
        { "TIFF", [.. "MM\0*"u8, 0, 0, 0, 8] },
        { "PSD", [.. "8BPS"u8, 0, 1, 0, 0, 0, 0] },
        { "ICO", [0, 0, 1, 0, 1, 0, 16, 16, 0, 0] },
    };

    [Theory]
    [MemberData(nameof(OtherFormats))]
    public void Known_but_unsupported_formats_are_named_with_a_conversion_hint(string name, byte[] header)
    {
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(header, "upload.bin"));
        Assert.Equal(ImageDecodeFailure.UnsupportedFormat, e.Failure);
        Assert.Equal($"upload.bin: unsupported format {name}: convert to JPEG/PNG/WebP", e.Message);
        Assert.Equal("upload.bin", e.SourceName);
    }

    [Fact]
    public void Fake_heic_is_refused_even_with_a_jpg_name()
    {
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Identify(Ftyp("heic", "mif1", "heic"), "IMG_0001.jpg"));
        Assert.Equal("IMG_0001.jpg: unsupported format HEIC: convert to JPEG/PNG/WebP", e.Message);
    }

    [Fact]
    public void Zero_bytes_is_reported_as_empty()
    {
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode([], "empty.png"));
        Assert.Equal(ImageDecodeFailure.Empty, e.Failure);
        Assert.Contains("empty file (0 bytes)", e.Message);
    }

    [Fact]
    public void Random_garbage_is_not_an_image()
    {
        var garbage = new byte[4096];
        new Random(3).NextBytes(garbage);
        garbage[0] = 0x13; // keep clear of any signature by chance
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(garbage));
        Assert.Equal(ImageDecodeFailure.NotAnImage, e.Failure);
        Assert.StartsWith("not an image (no JPEG, PNG or WebP signature; starts with 13", e.Message);
    }

    [Fact]
    public void Text_and_video_are_not_images_and_say_what_they_look_like()
    {
        var html = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(Encoding.ASCII.GetBytes("<!DOCTYPE html><html>404</html>")));
        Assert.Contains("an HTML page", html.Message);
        var mp4 = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(Ftyp("isom", "isom", "mp41")));
        Assert.Equal(ImageDecodeFailure.NotAnImage, mp4.Failure);
        Assert.Contains("video", mp4.Message);
    }

    [Fact]
    public void Format_comes_from_the_bytes_not_the_name()
    {
        var png = ImageCodec.Encode(Quadrants(8, 8), ImageFormat.Png);
        Assert.Equal(ImageFormat.Png, ImageCodec.Identify(png, "photo.jpg").Format);
        Assert.Equal(8, ImageCodec.Decode(png, "photo.jpg").Width);
    }

    /// <summary>An ISO-BMFF ftyp box: size, "ftyp", major brand, minor version, compatible brands.</summary>
    static byte[] Ftyp(string major, params string[] compatible)
    {
        int size = 16 + 4 * compatible.Length;
        var box = new List<byte> { 0, 0, 0, (byte)size };
        box.AddRange("ftyp"u8.ToArray());
        box.AddRange(Encoding.ASCII.GetBytes(major));
        box.AddRange(new byte[4]);
        foreach (var brand in compatible) box.AddRange(Encoding.ASCII.GetBytes(brand));
        box.AddRange(new byte[16]);
        return [.. box];
    }
}
