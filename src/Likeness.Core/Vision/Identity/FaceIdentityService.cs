using Likeness.Imaging;
using Likeness.Inference;
using Likeness.Vision.Faces;
using Likeness.Vision.Faces.Alignment;
using Likeness.Vision.Faces.Detection;

namespace Likeness.Vision.Identity;

/// <summary>The embedding of a photo's dominant face, or why there is none.</summary>
/// <param name="Problem">Set when <see cref="Embedding"/> is null: what is wrong with the photo and what to do.</param>
/// <param name="OtherFaces">Further faces in the photo (the largest one was used).</param>
public sealed record FaceEmbeddingResult(FaceEmbedding? Embedding, DetectedFace? Face, string? Problem, int OtherFaces = 0)
{
    public bool HasFace => Embedding is not null;
}

/// <summary>Similarity against the calibrated threshold.</summary>
public sealed record IdentityVerdict(float Similarity, float Threshold, string Model)
{
    public bool IsSame => Similarity >= Threshold;
}

/// <summary>
/// Photo in, identity out: detect (YuNet by default), take the largest face, align to the ArcFace template,
/// embed with the calibrated model settings, and compare at the calibrated threshold.
/// </summary>
public sealed class FaceIdentityService
{
    /// <summary>Eyes closer than this (pixels in the photo) give too little detail for a trustworthy embedding.</summary>
    public const float MinInterocularDistance = 16;

    readonly IFaceDetector _detector;
    readonly IFaceEmbedder _embedder;

    public FaceIdentityService(IModelSessions sessions, IdentityVerificationSettings? settings = null, IFaceDetector? detector = null)
    {
        Settings = settings ?? IdentityVerificationSettings.Default;
        _detector = detector ?? FaceDetectors.Create(sessions);
        _embedder = FaceEmbedders.Create(sessions, Settings.Model, Settings.EmbedderOptions);
    }

    public IdentityVerificationSettings Settings { get; }

    public async Task<FaceEmbeddingResult> EmbedDominantFaceAsync(RgbaImage image, CancellationToken ct = default)
    {
        var faces = await _detector.DetectAsync(image, ct: ct);
        if (faces.Count == 0)
            return new(null, null, $"no face found in the {image.Width}x{image.Height} photo; use a photo where one face is clearly visible, frontal and well lit");
        var face = faces[0];
        if (face.InterocularDistance < MinInterocularDistance)
            return new(null, face, $"the face is too small ({face.Box.Width:0}px wide, eyes {face.InterocularDistance:0}px apart; needs at least {MinInterocularDistance:0}px): use a closer or higher-resolution photo", faces.Count - 1);
        var aligned = FaceAligner.Align(image, face);
        return new(await _embedder.EmbedAsync(aligned.Image, ct), face, null, faces.Count - 1);
    }

    /// <summary>Embeds a face already found (aligned to the ArcFace template first).</summary>
    public Task<FaceEmbedding> EmbedFaceAsync(RgbaImage image, DetectedFace face, CancellationToken ct = default) =>
        _embedder.EmbedAsync(FaceAligner.Align(image, face).Image, ct);

    public IdentityVerdict Compare(FaceEmbedding a, FaceEmbedding b) => new(a.CosineSimilarity(b), Settings.Threshold, Settings.Model);

    public IdentityVerdict Compare(IdentityTemplate reference, FaceEmbedding probe) => new(reference.CosineSimilarity(probe), Settings.Threshold, Settings.Model);
}
