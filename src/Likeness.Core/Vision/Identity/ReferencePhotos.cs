using Likeness.Imaging.Codecs;

namespace Likeness.Vision.Identity;

/// <summary>A photo file and its dominant face's embedding, or why it has none (unreadable file, no usable face).</summary>
public sealed record PhotoEmbedding(string Path, FaceEmbeddingResult Result)
{
    public FaceEmbedding? Embedding => Result.Embedding;
}

/// <summary>Photo files to embeddings and identity templates (the file side of <see cref="FaceIdentityService"/>).</summary>
public static class ReferencePhotos
{
    static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".webp" };

    /// <summary>The image files directly inside <paramref name="folder"/>, by name.</summary>
    public static IReadOnlyList<string> InFolder(string folder) =>
        Directory.EnumerateFiles(folder).Where(f => Extensions.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal).ToList();

    /// <summary>Decodes (with EXIF orientation) and embeds; an unreadable file becomes a result with a problem, not an exception.</summary>
    public static async Task<PhotoEmbedding> EmbedFileAsync(this FaceIdentityService service, string path, CancellationToken ct = default)
    {
        Imaging.RgbaImage image;
        try
        {
            image = ImageCodec.Load(path);
        }
        catch (Exception e) when (e is ImageCodecException or IOException or UnauthorizedAccessException)
        {
            return new PhotoEmbedding(path, new FaceEmbeddingResult(null, null, $"cannot read the image: {e.Message}"));
        }
        return new PhotoEmbedding(path, await service.EmbedDominantFaceAsync(image, ct));
    }

    /// <summary>Embeds every file; the template is built from those with a usable face (null when none has one).</summary>
    public static async Task<(IdentityTemplate? Template, IReadOnlyList<PhotoEmbedding> Photos)> BuildTemplateAsync(
        this FaceIdentityService service, IEnumerable<string> paths, CancellationToken ct = default)
    {
        var photos = new List<PhotoEmbedding>();
        foreach (var path in paths) photos.Add(await service.EmbedFileAsync(path, ct));
        var usable = photos.Where(p => p.Embedding is not null).Select(p => p.Embedding!).ToList();
        return (usable.Count == 0 ? null : IdentityTemplate.FromEmbeddings(usable), photos);
    }
}
