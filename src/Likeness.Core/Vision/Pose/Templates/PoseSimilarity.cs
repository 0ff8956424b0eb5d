using System.Numerics;

namespace Likeness.Vision.Pose.Templates;

/// <summary>
/// OKS-style pose similarity (COCO's object keypoint similarity), made invariant to where the person stands and how
/// large they are: both poses are centred on the torso joints they share (all shared joints when the torso is not)
/// and scaled to unit RMS radius of those, then each of the
/// reference's joints scores exp(-d² / (2 s² k²)) with COCO's per-joint k (hips are looser than eyes) and s² the
/// reference's extent. Rotation is not removed: a lying pose is not a standing one. A joint the reference has and the
/// candidate lacks scores 0, so the score is asymmetric on purpose: "how well does the candidate show the reference".
/// Joints are averaged per body part (head, torso, each arm, each leg) and the parts averaged, so one arm in the wrong
/// place weighs a sixth of the score instead of 2 joints in 18; <see cref="Compare"/> also gives the worst part.
/// 1 is identical; different poses of the catalogue score 0.35 in the median.
/// </summary>
public static class PoseSimilarity
{
    // COCO keypoint sigmas in OpenPose-18 order (the neck, which COCO lacks, takes the shoulders').
    static readonly float[] Sigmas =
        [0.026f, 0.079f, 0.079f, 0.072f, 0.062f, 0.079f, 0.072f, 0.062f, 0.107f, 0.087f, 0.089f, 0.107f, 0.087f, 0.089f, 0.025f, 0.025f, 0.035f, 0.035f];

    static readonly int[] Torso = [OpenPose18.Neck, OpenPose18.RightShoulder, OpenPose18.LeftShoulder, OpenPose18.RightHip, OpenPose18.LeftHip];

    /// <summary>Fewer shared joints than this say nothing about the pose.</summary>
    public const int MinSharedKeypoints = 4;

    public static float Score(PoseTemplate reference, PoseTemplate candidate) => Compare(reference, candidate).Score;

    public static float Score(PoseTemplate reference, BodyPose candidate, float minScore = PoseTemplates.DefaultMinScore) =>
        Compare(reference, candidate, minScore).Score;

    /// <summary>Body parts as OpenPose indices. Shoulders and hips belong to the torso, so a limb is judged by what moves.</summary>
    public static IReadOnlyList<(string Name, int[] Joints)> Parts { get; } =
    [
        ("head", [0, 14, 15, 16, 17]), ("torso", [1, 2, 5, 8, 11]), ("right arm", [3, 4]), ("left arm", [6, 7]), ("right leg", [9, 10]), ("left leg", [12, 13]),
    ];

    public static float Score(IReadOnlyList<Vector2?> reference, IReadOnlyList<Vector2?> candidate) => Compare(reference, candidate).Score;

    public static PoseMatch Compare(PoseTemplate reference, PoseTemplate candidate) => Compare(Isotropic(reference), Isotropic(candidate));

    public static PoseMatch Compare(PoseTemplate reference, BodyPose candidate, float minScore = PoseTemplates.DefaultMinScore) =>
        Compare(Isotropic(reference), candidate.ToOpenPose18().Select(k => k.Score >= minScore ? k.Position : (Vector2?)null).ToArray());

    /// <summary>Both poses in the same isotropic units (pixels, or template canvases scaled by their aspect).</summary>
    public static PoseMatch Compare(IReadOnlyList<Vector2?> reference, IReadOnlyList<Vector2?> candidate)
    {
        var joints = JointScores(reference, candidate);
        if (joints is null) return new PoseMatch(0, 0, "no shared joints", []);
        var parts = new List<(string, float)>();
        foreach (var (name, indices) in Parts)
        {
            var present = indices.Where(i => reference[i] is not null).ToArray();
            if (present.Length > 0) parts.Add((name, present.Average(i => joints[i])));
        }
        var worst = parts.MinBy(p => p.Item2);
        return new PoseMatch(parts.Average(p => p.Item2), worst.Item2, worst.Item1, parts);
    }

    /// <summary>Per joint OKS (0 where the reference has the joint and the candidate does not); null when too few are shared.</summary>
    static float[]? JointScores(IReadOnlyList<Vector2?> reference, IReadOnlyList<Vector2?> candidate)
    {
        int n = OpenPose18.KeypointCount;
        if (reference.Count != n || candidate.Count != n) throw new ArgumentException($"poses need {n} OpenPose keypoints");
        var shared = Enumerable.Range(0, n).Where(i => reference[i] is not null && candidate[i] is not null).ToArray();
        int referenceVisible = reference.Count(k => k is not null);
        if (shared.Length < MinSharedKeypoints || referenceVisible == 0) return null;

        // Anchor on the torso when it is shared, so a raised arm does not shift where the head is compared.
        var torso = shared.Where(i => Torso.Contains(i)).ToArray();
        var anchor = torso.Length >= 3 ? torso : shared;
        var r = Normalise(reference, anchor);
        var c = Normalise(candidate, anchor);
        float x0 = shared.Min(i => r[i].X), x1 = shared.Max(i => r[i].X), y0 = shared.Min(i => r[i].Y), y1 = shared.Max(i => r[i].Y);
        float area = Math.Max((x1 - x0) * (y1 - y0), 0.5f);
        var scores = new float[n];
        foreach (int i in shared)
        {
            float k = 2 * Sigmas[i];
            scores[i] = MathF.Exp(-Vector2.DistanceSquared(r[i], c[i]) / (2 * area * k * k));
        }
        return scores;
    }

    /// <summary>
    /// Whether the candidate shows the reference's mirror image rather than the pose itself (a left/right mix-up):
    /// true when the mirrored reference matches clearly better. Symmetric poses are never called mirrored.
    /// </summary>
    public static bool IsMirrored(PoseTemplate reference, PoseTemplate candidate, float margin = 0.1f) =>
        Score(reference.Mirrored(), candidate) > Score(reference, candidate) + margin;

    public static bool IsMirrored(PoseTemplate reference, BodyPose candidate, float margin = 0.1f) =>
        Score(reference.Mirrored(), candidate) > Score(reference, candidate) + margin;

    public static Vector2?[] Isotropic(PoseTemplate t) =>
        t.Keypoints.Select(k => k is { } p ? new Vector2(p.X * t.Aspect, p.Y) : (Vector2?)null).ToArray();

    static Vector2[] Normalise(IReadOnlyList<Vector2?> points, int[] shared)
    {
        var centre = Vector2.Zero;
        foreach (int i in shared) centre += points[i]!.Value;
        centre /= shared.Length;
        float spread = 0;
        foreach (int i in shared) spread += Vector2.DistanceSquared(points[i]!.Value, centre);
        float scale = MathF.Sqrt(spread / shared.Length);
        if (scale < 1e-6f) scale = 1;
        return points.Select(p => p is { } v ? (v - centre) / scale : Vector2.Zero).ToArray();
    }
}

/// <summary>How well a candidate shows a reference pose: the overall score, and the body part that matches worst.</summary>
public sealed record PoseMatch(float Score, float WorstPart, string WorstPartName, IReadOnlyList<(string Part, float Score)> Parts)
{
    public override string ToString() => $"pose {Score:0.00} (worst: {WorstPartName} {WorstPart:0.00})";
}
