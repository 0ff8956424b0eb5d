using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;
using Likeness.Providers;
using Likeness.Vision.Identity;

namespace Likeness.Pipelines.Generation;

/// <summary>The user's photos as a generation needs them: the identity template the gate compares with, and the references sent.</summary>
public sealed record ReferenceSet(IdentityTemplate Template, IReadOnlyList<MediaInput> References, IReadOnlyList<string> Skipped)
{
    /// <summary>Longest side of a reference sent to a provider: enough for likeness, small enough for inline requests.</summary>
    public const int ReferenceSide = 1024;

    /// <summary>
    /// Every photo with one usable face goes into the template; with 3+ photos, one that does not match the others is
    /// someone else and is left out (as `views` does).
    /// </summary>
    /// <exception cref="LikenessException">No photo has a usable face.</exception>
    public static async Task<ReferenceSet> BuildAsync(VisionEngine engine, IReadOnlyList<EncodedImage> photos, CancellationToken ct = default)
    {
        var kept = new List<(EncodedImage Photo, RgbaImage Image, FaceEmbedding Embedding)>();
        var skipped = new List<string>();
        foreach (var photo in photos)
        {
            RgbaImage image;
            try { image = photo.Decode(); }
            catch (LikenessException e) { skipped.Add(e.Message); continue; }
            var result = await engine.Identity.EmbedDominantFaceAsync(image, ct);
            if (result.Embedding is null) skipped.Add($"{photo.Name}: {result.Problem}");
            else kept.Add((photo, image, result.Embedding));
        }
        if (kept.Count >= 3)
        {
            var set = SamePersonSet.Of(kept.Select(k => k.Embedding).ToList(), engine.Identity.Settings.Threshold);
            foreach (var i in set.Outliers.OrderByDescending(i => i))
            {
                skipped.Add(set.Describe(i, kept[i].Photo.Name));
                kept.RemoveAt(i);
            }
        }
        if (kept.Count == 0)
            throw new LikenessException("none of the photos has a usable face for the likeness template: " + string.Join("; ", skipped) +
                ". Give at least one well-lit photo where the face is clearly visible.");
        return new ReferenceSet(IdentityTemplate.FromEmbeddings(kept.Select(k => k.Embedding)), kept.Select(k => Encode(k.Image)).ToList(), skipped);
    }

    /// <summary>A photo as a reference: at most <see cref="ReferenceSide"/> px on the long side, JPEG.</summary>
    public static MediaInput Encode(RgbaImage image)
    {
        double scale = (double)ReferenceSide / Math.Max(image.Width, image.Height);
        var sized = scale >= 1 ? image : image.Resize((int)Math.Round(image.Width * scale), (int)Math.Round(image.Height * scale), ResizeMethod.Area);
        return MediaInput.FromBytes(ImageCodec.Encode(sized, ImageFormat.Jpeg, new EncodeOptions { Quality = 90 }), "image/jpeg");
    }
}
