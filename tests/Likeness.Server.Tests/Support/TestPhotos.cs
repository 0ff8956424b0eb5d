using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;

namespace Likeness.Server.Tests.Support;

/// <summary>Real photos: the repo's public-domain samples, and ../shared/testdata (never copied into the repo; tests skip without it).</summary>
public static class TestPhotos
{
    // At 512x512 the astronaut's face is 91 px wide, under the 100 px the face-size rule asks for; at 768 it is about 137 px.
    static readonly Lazy<RgbaImage> Astronaut = new(() => ImageCodec.Decode(Sample("astronaut.png")).Resize(768, 768, ResizeMethod.Bilinear));

    public static string RepoRoot { get; } = FindRepoRoot();

    public static byte[] Sample(string file) => File.ReadAllBytes(Path.Combine(RepoRoot, "samples", file));

    /// <summary>samples/astronaut.png (one clear face) enlarged to 768x768 with one corner pixel changed, so each variant has its own sha256.</summary>
    public static byte[] Face(int variant = 0, ImageFormat format = ImageFormat.Png)
    {
        var image = Astronaut.Value.Clone();
        image[0, 0] = new Rgba32((byte)variant, (byte)(variant >> 8), 7);
        return ImageCodec.Encode(image, format, new EncodeOptions { FastPngCompression = true });
    }

    public static string SamplePath(string file) => Path.Combine(RepoRoot, "samples", file);

    /// <summary>../shared/models (the model mirror); skips the calling [SkippableFact] with a clear message when it is absent.</summary>
    public static string SharedModels()
    {
        var shared = Environment.GetEnvironmentVariable("LIKENESS_SHARED") is { Length: > 0 } env ? env : Path.Combine(RepoRoot, "..", "shared");
        var path = Path.GetFullPath(Path.Combine(shared, "models"));
        if (!Directory.Exists(path)) throw new SkipException($"{path} is absent (../shared/models beside the checkout, or LIKENESS_SHARED): this test needs the model mirror");
        return path;
    }

    /// <summary>A file of ../shared/testdata; skips the calling [SkippableFact] with a clear message when it is absent.</summary>
    public static byte[] Shared(string relative)
    {
        var shared = Environment.GetEnvironmentVariable("LIKENESS_SHARED") is { Length: > 0 } env ? env : Path.Combine(RepoRoot, "..", "shared");
        var path = Path.GetFullPath(Path.Combine(shared, "testdata", relative));
        if (!File.Exists(path)) throw new SkipException($"{path} is absent (../shared/testdata beside the checkout, or LIKENESS_SHARED): this test needs that real photo");
        return File.ReadAllBytes(path);
    }

    /// <summary>The path of a file of ../shared/testdata (for tools such as ffmpeg); skips like <see cref="Shared"/> when it is absent.</summary>
    public static string SharedPath(string relative)
    {
        var shared = Environment.GetEnvironmentVariable("LIKENESS_SHARED") is { Length: > 0 } env ? env : Path.Combine(RepoRoot, "..", "shared");
        var path = Path.GetFullPath(Path.Combine(shared, "testdata", relative));
        if (!File.Exists(path)) throw new SkipException($"{path} is absent (../shared/testdata beside the checkout, or LIKENESS_SHARED): this test needs that real file");
        return path;
    }

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Likeness.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException($"Likeness.slnx not found above {AppContext.BaseDirectory}");
    }
}
