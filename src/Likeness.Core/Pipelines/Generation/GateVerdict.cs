using Likeness.Vision.Faces.Pose;

namespace Likeness.Pipelines.Generation;

/// <summary>The checks a generated image goes through, in order.</summary>
public static class GateChecks
{
    public const string Answer = "answer";
    public const string Quality = "quality";
    public const string OneFace = "one-face";
    public const string Identity = "identity";
    public const string View = "view";
    public const string Mirrored = "mirrored";
    public const string Framing = "framing";
    public const string BodyPose = "pose";
}

/// <summary>One check: its name, whether it passed, what was measured, and why it failed.</summary>
public sealed record GateFinding(string Check, bool Passed, string Measured, string? Reason = null);

/// <summary>
/// The gate's verdict on one generated image, with every measured figure. <see cref="Mirrored"/> is set when the nose
/// points to the edge opposite the requested one: such an image is never accepted as the requested view.
/// </summary>
public sealed record GateVerdict(IReadOnlyList<GateFinding> Findings)
{
    public int? Width { get; init; }
    public int? Height { get; init; }
    public int Faces { get; init; }
    public float? Similarity { get; init; }
    public float? Threshold { get; init; }
    public float? Yaw { get; init; }
    public float? Pitch { get; init; }
    public FaceView? MeasuredView { get; init; }
    public bool Mirrored { get; init; }
    /// <summary>Face (skull top to chin) over frame height.</summary>
    public double? FaceHeightFraction { get; init; }
    /// <summary>Face box width over frame width.</summary>
    public double? FaceWidthFraction { get; init; }
    public double? Sharpness { get; init; }
    public double? MeanLuma { get; init; }
    /// <summary>Pose-conditioned outputs: how well the body shows the requested pose, and its worst body part.</summary>
    public Vision.Pose.Templates.PoseMatch? PoseMatch { get; init; }
    public bool PoseMirrored { get; init; }

    public bool Passed => Findings.Count > 0 && Findings.All(f => f.Passed);
    public IEnumerable<GateFinding> Failures => Findings.Where(f => !f.Passed);
    public bool Failed(string check) => Findings.Any(f => f.Check == check && !f.Passed);

    /// <summary>One line: "passed" or the failed checks' reasons.</summary>
    public string Summary => Passed ? $"passed (identity {Similarity:0.00}, yaw {Yaw:+0.0;-0.0})" : string.Join("; ", Failures.Select(f => f.Reason ?? f.Check));
}
