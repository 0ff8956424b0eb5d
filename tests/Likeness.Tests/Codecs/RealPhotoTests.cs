using System.Diagnostics;
using Likeness.Imaging.Codecs;
using Likeness.Tests.Support;
using Xunit.Abstractions;

namespace Likeness.Tests.Codecs;

/// <summary>Real photos from ../shared/testdata (skipped when absent); sizes checked against its MANIFEST.tsv.</summary>
public class RealPhotoTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData("identity/jennifer_aniston/img56.jpg")]
    [InlineData("identity/scarlett_johansson/img49.jpg")]
    [InlineData("portraits/deepface/couple.jpg")]
    [InlineData("portraits/face_recognition/lin-manuel-miranda.png")]
    [InlineData("portraits/background_removal/Rokas.png")]
    [InlineData("backgrounds/skimage/coffee.png")]
    [InlineData("fullbody/opencv/messi5.jpg")]
    public void Real_photos_decode_to_their_manifest_size(string relative)
    {
        var path = TestPaths.TestDataFile(relative);
        var (width, height) = ManifestSize(relative);

        var info = ImageCodec.Identify(File.ReadAllBytes(path));
        var image = ImageCodec.Load(path);

        Assert.Equal((width, height), (info.OrientedWidth, info.OrientedHeight));
        Assert.Equal((width, height), (image.Width, image.Height));
        Assert.True(image.Data.AsSpan().IndexOfAnyExcept((byte)0) >= 0, "decoded pixels should not be all zero");
    }

    [SkippableFact]
    public void Real_rgba_png_reports_its_alpha_channel()
    {
        // Rokas.png is colour type 6 (RGBA) although every pixel happens to be opaque.
        var bytes = File.ReadAllBytes(TestPaths.TestDataFile("portraits/background_removal/Rokas.png"));
        Assert.True(ImageCodec.Identify(bytes).HasAlpha);
        Assert.Equal(6, bytes[25]);
    }

    [SkippableFact]
    public void Real_gif_is_refused_as_unsupported()
    {
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Load(TestPaths.TestDataFile("video/elon-musk-smoke.gif")));
        Assert.Equal(ImageDecodeFailure.UnsupportedFormat, e.Failure);
        Assert.EndsWith("unsupported format GIF: convert to JPEG/PNG/WebP", e.Message);
    }

    /// <summary>Prints timings for a ~1 MP photo; informational only, nothing is asserted about speed.</summary>
    [SkippableFact]
    public void Report_codec_timings_for_a_one_megapixel_photo()
    {
        var jpeg = File.ReadAllBytes(TestPaths.TestDataFile("identity/jennifer_aniston/img56.jpg"));
        var image = ImageCodec.Decode(jpeg);
        byte[] encoded = [];
        Measure($"decode JPEG {image.Width}x{image.Height}", () => ImageCodec.Decode(jpeg));
        Measure("encode JPEG q92", () => encoded = ImageCodec.Encode(image, ImageFormat.Jpeg));
        Measure("encode PNG", () => encoded = ImageCodec.Encode(image, ImageFormat.Png));
        Measure("decode PNG", () => ImageCodec.Decode(encoded));
        Measure("encode WebP q90", () => encoded = ImageCodec.Encode(image, ImageFormat.WebP));
        Measure("decode WebP", () => ImageCodec.Decode(encoded));
        Assert.True(encoded.Length > 0);
    }

    void Measure(string label, Action action)
    {
        action();
        var watch = Stopwatch.StartNew();
        action();
        output.WriteLine($"{label}: {watch.Elapsed.TotalMilliseconds:F1} ms");
    }

    static (int Width, int Height) ManifestSize(string relative)
    {
        var manifest = Path.Combine(TestPaths.TestData!, "MANIFEST.tsv");
        var row = File.ReadLines(manifest).Select(l => l.Split('\t')).FirstOrDefault(c => c[0] == relative)
            ?? throw new Xunit.SkipException($"{relative} is not listed in {manifest}");
        var size = row[7].Split('x');
        return (int.Parse(size[0]), int.Parse(size[1]));
    }
}
