using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Transforms;
using Likeness.Vision.Faces;

namespace Likeness.Pipelines;

/// <summary>The person found in an output image: identity similarity and pose, or the problem that stops verification.</summary>
public sealed record OutputCheck(float? Similarity, string? View, float? Yaw, string? Problem, int FacesFound)
{
    public bool Verified => Problem is null && Similarity is not null;
}

/// <summary>
/// Verifies that an output shows the person: a face found near where the placement put theirs, with an identity
/// similarity to the source face at or above the identity threshold.
/// </summary>
public sealed class OutputVerifier(VisionEngine engine)
{
    public async Task<OutputCheck> VerifyAsync(RgbaImage source, DetectedFace sourceFace, RgbaImage output, AffineTransform sourceToOutput, CancellationToken ct)
    {
        var expected = sourceToOutput.Apply(new(sourceFace.Box.CenterX, sourceFace.Box.CenterY));
        var faces = await engine.Detector.DetectAsync(output, ct: ct);
        var found = faces.OrderBy(f => Vector2.Distance(new(f.Box.CenterX, f.Box.CenterY), expected)).FirstOrDefault();
        if (found is null || Vector2.Distance(new(found.Box.CenterX, found.Box.CenterY), expected) > Math.Max(found.Box.Width, 8))
            return new OutputCheck(null, null, null, "the person's face was not found in the output where it was placed (it may be cut off, too small or matted away)", faces.Count);
        var pose = await engine.HeadPoseAsync(output, found, ct);
        var a = await engine.Identity.EmbedFaceAsync(source, sourceFace, ct);
        var b = await engine.Identity.EmbedFaceAsync(output, found, ct);
        var sim = a.CosineSimilarity(b);
        float threshold = engine.Identity.Settings.Threshold;
        string? problem = sim < threshold
            ? $"the face in the output no longer matches the person (similarity {sim:0.00} < {threshold:0.00})"
            : null;
        return new OutputCheck(sim, pose.View.ToString(), pose.Yaw, problem, faces.Count);
    }
}
