using System.Numerics;

namespace Likeness.Vision.Pose.Templates;

public enum PoseDifficulty { Simple, Medium, Complex }

/// <summary>How much of the body a template constrains (from the lowest confident joints).</summary>
public enum PoseFraming { FullBody, ThreeQuarter, UpperBody }

/// <summary>Where a template came from: the photo and person it was extracted from, and by which model.</summary>
public sealed record PoseSource(string Photo, string Model, int Person = 1, string? Note = null);

/// <summary>
/// A reusable body pose: the 18 OpenPose keypoints normalised to a canvas of the given aspect (x, y in 0..1, y down),
/// null where the joint is not part of the pose. Left and right are the subject's, as in <see cref="OpenPose18"/>.
/// </summary>
public sealed record PoseTemplate
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Category { get; init; }
    public PoseDifficulty Difficulty { get; init; }
    public PoseFraming Framing { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>Canvas width / height.</summary>
    public required float Aspect { get; init; }
    public required IReadOnlyList<Vector2?> Keypoints { get; init; }
    public PoseSource? Source { get; init; }

    public int VisibleCount => Keypoints.Count(k => k is not null);

    /// <summary>
    /// The same pose seen in a mirror: x flipped and each left joint swapped with its right one, so the subject's
    /// left arm stays their left arm (a raised right hand becomes a raised left hand on the other side of the picture).
    /// </summary>
    public PoseTemplate Mirrored()
    {
        var points = new Vector2?[OpenPose18.KeypointCount];
        for (int i = 0; i < points.Length; i++)
            points[i] = Keypoints[OpenPose18.MirrorIndex(i)] is { } p ? new Vector2(1 - p.X, p.Y) : null;
        return this with { Id = MirroredId(Id), Name = Name.EndsWith(" (mirrored)") ? Name[..^11] : Name + " (mirrored)", Keypoints = points };
    }

    static string MirroredId(string id) => id.EndsWith("-mirrored") ? id[..^9] : id + "-mirrored";

    /// <summary>The keypoints in pixels on a <paramref name="width"/> x <paramref name="height"/> canvas, the pose
    /// letterboxed into it (centred, aspect kept) when the canvas has another aspect.</summary>
    public Vector2?[] OnCanvas(int width, int height)
    {
        float scale = Math.Min(width / Aspect, height);
        float w = Aspect * scale, h = scale;
        float left = (width - w) / 2, top = (height - h) / 2;
        return Keypoints.Select(k => k is { } p ? new Vector2(left + p.X * w - 0.5f, top + p.Y * h - 0.5f) : (Vector2?)null).ToArray();
    }

    /// <summary>Checks what a catalogue entry must satisfy; returns the problems (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Id) || Id.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
            problems.Add($"id '{Id}' must be lower-case letters, digits and '-'");
        if (Keypoints.Count != OpenPose18.KeypointCount) problems.Add($"{Keypoints.Count} keypoints, expected {OpenPose18.KeypointCount}");
        if (!(Aspect is > 0.1f and < 10f)) problems.Add($"aspect {Aspect} out of range");
        if (Keypoints.Any(k => k is { } p && !(p.X is >= -0.05f and <= 1.05f && p.Y is >= -0.05f and <= 1.05f)))
            problems.Add("keypoints must lie on the canvas (0..1)");
        if (VisibleCount < PoseTemplates.MinVisibleKeypoints) problems.Add($"only {VisibleCount} visible keypoints (at least {PoseTemplates.MinVisibleKeypoints})");
        return problems;
    }
}
