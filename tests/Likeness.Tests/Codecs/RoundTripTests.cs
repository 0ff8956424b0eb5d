using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using static Likeness.Tests.Codecs.CodecTestImages;

namespace Likeness.Tests.Codecs;

public class RoundTripTests
{
    [Fact]
    public void Png_keeps_every_pixel_and_alpha_exactly()
    {
        var original = Noise(67, 41, alpha: true);
        var decoded = ImageCodec.Decode(ImageCodec.Encode(original, ImageFormat.Png));
        Assert.Equal(original.Data, decoded.Data);
    }

    [Fact]
    public void Opaque_png_is_written_as_rgb_and_still_exact()
    {
        var original = Noise(50, 30, alpha: false);
        var rgba = ImageCodec.Encode(Noise(50, 30, alpha: true), ImageFormat.Png);
        var png = ImageCodec.Encode(original, ImageFormat.Png);
        Assert.Equal(original.Data, ImageCodec.Decode(png).Data);
        Assert.False(ImageCodec.Identify(png).HasAlpha);
        Assert.True(ImageCodec.Identify(rgba).HasAlpha);
        Assert.True(png.Length < rgba.Length, "an RGB PNG of noise should be smaller than an RGBA one");
    }

    [Fact]
    public void Fast_png_compression_is_still_lossless()
    {
        var original = Gradient(80, 60, alpha: true);
        var png = ImageCodec.Encode(original, ImageFormat.Png, new EncodeOptions { FastPngCompression = true });
        Assert.Equal(original.Data, ImageCodec.Decode(png).Data);
    }

    [Fact]
    public void Lossless_webp_keeps_every_pixel_and_alpha_exactly()
    {
        var original = Noise(67, 41, alpha: true);
        for (int i = 3; i < original.Data.Length; i += 16) original.Data[i] = 0; // RGB under fully transparent pixels too
        var webp = ImageCodec.Encode(original, ImageFormat.WebP, new EncodeOptions { Lossless = true });
        Assert.Equal(original.Data, ImageCodec.Decode(webp).Data);
        Assert.True(ImageCodec.Identify(webp).HasAlpha);
    }

    [Fact]
    public void Jpeg_stays_within_lossy_tolerance()
    {
        var original = Gradient(128, 96, alpha: false);
        var decoded = ImageCodec.Decode(ImageCodec.Encode(original, ImageFormat.Jpeg));
        Assert.True(MeanAbsoluteDifference(original, decoded) < 2.0, $"mean error {MeanAbsoluteDifference(original, decoded):F2}");
        Assert.True(MaxChannelDifference(original, decoded) < 16);
        Assert.True(decoded.IsOpaque());
    }

    [Fact]
    public void Lossy_webp_stays_within_tolerance_and_keeps_alpha()
    {
        var original = Gradient(128, 96, alpha: true);
        var webp = ImageCodec.Encode(original, ImageFormat.WebP);
        var decoded = ImageCodec.Decode(webp);
        Assert.True(MeanAbsoluteDifference(original, decoded) < 3.0, $"mean error {MeanAbsoluteDifference(original, decoded):F2}");
        Assert.Equal(96, decoded[100, 50].A);
        Assert.Equal(255, decoded[10, 50].A);
        Assert.True(ImageCodec.Identify(webp).HasAlpha);
    }

    [Fact]
    public void Jpeg_quality_changes_the_file_size()
    {
        var image = Noise(64, 64, alpha: false);
        var low = ImageCodec.Encode(image, ImageFormat.Jpeg, new EncodeOptions { Quality = 30 });
        var high = ImageCodec.Encode(image, ImageFormat.Jpeg, new EncodeOptions { Quality = 95 });
        Assert.True(low.Length < high.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void Out_of_range_quality_is_refused_with_the_valid_range(int quality)
    {
        var e = Assert.Throws<ImageEncodeException>(() => ImageCodec.Encode(Quadrants(8, 8), ImageFormat.Jpeg, new EncodeOptions { Quality = quality }));
        Assert.Contains("use 1..100", e.Message);
    }

    [Fact]
    public void Jpeg_flattens_translucent_pixels_onto_the_background()
    {
        var image = RgbaImage.Filled(32, 32, new Rgba32(0, 0, 0, 0));
        var options = new EncodeOptions { JpegBackground = new Rgba32(0, 128, 255) };
        var decoded = ImageCodec.Decode(ImageCodec.Encode(image, ImageFormat.Jpeg, options));
        AssertClose(new Rgba32(0, 128, 255), decoded[16, 16], 3);
    }

    [Theory]
    [InlineData("out.png", ImageFormat.Png)]
    [InlineData("out.JPG", ImageFormat.Jpeg)]
    [InlineData("out.jpeg", ImageFormat.Jpeg)]
    [InlineData("out.webp", ImageFormat.WebP)]
    public void Save_picks_the_format_from_the_extension_and_leaves_no_temp_files(string name, ImageFormat expected)
    {
        var dir = Directory.CreateTempSubdirectory("likeness-codecs-");
        try
        {
            var path = Path.Combine(dir.FullName, name);
            File.WriteAllText(path, "old content gets replaced");
            ImageCodec.Save(Quadrants(40, 20), path);
            Assert.Equal(expected, ImageCodec.Identify(File.ReadAllBytes(path)).Format);
            var loaded = ImageCodec.Load(path);
            Assert.Equal((40, 20), (loaded.Width, loaded.Height));
            Assert.Single(dir.GetFiles());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Save_with_an_unknown_extension_says_which_to_use()
    {
        var e = Assert.Throws<ArgumentException>(() => ImageCodec.Save(Quadrants(8, 8), "/tmp/out.bmp"));
        Assert.Contains(".jpg, .jpeg, .png or .webp", e.Message);
    }

    [Fact]
    public void Save_into_a_missing_folder_names_the_folder()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"likeness-missing-{Guid.NewGuid():N}");
        var e = Assert.Throws<DirectoryNotFoundException>(() => ImageCodec.Save(Quadrants(8, 8), Path.Combine(folder, "out.png")));
        Assert.Contains($"folder {folder} does not exist", e.Message);
    }

    [Fact]
    public void Load_names_the_file_in_errors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"likeness-{Guid.NewGuid():N}.jpg");
        File.WriteAllBytes(path, [0xFF, 0xD8, 0xFF, 0xE0, 0, 16]);
        try
        {
            var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Load(path));
            Assert.StartsWith($"{path}: corrupt JPEG", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(ImageFormat.Jpeg, false)]
    [InlineData(ImageFormat.Png, true)]
    [InlineData(ImageFormat.WebP, true)]
    public void Identify_reads_size_and_alpha_without_decoding(ImageFormat format, bool alphaKept)
    {
        var bytes = ImageCodec.Encode(Gradient(123, 45, alpha: true), format, new EncodeOptions { Lossless = true });
        var info = ImageCodec.Identify(bytes);
        Assert.Equal(new ImageInfo(format, 123, 45, ImageOrientation.Normal, alphaKept), info);
    }

    [Fact]
    public void Lossy_webp_without_alpha_reports_no_alpha()
    {
        var info = ImageCodec.Identify(ImageCodec.Encode(Gradient(64, 32, alpha: false), ImageFormat.WebP));
        Assert.Equal((64, 32, false), (info.Width, info.Height, info.HasAlpha));
    }
}
