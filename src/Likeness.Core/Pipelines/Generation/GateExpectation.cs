using Likeness.Vision.Faces.Pose;
using Likeness.Vision.Pose.Templates;

namespace Likeness.Pipelines.Generation;

/// <summary>Which framing a generated image must have.</summary>
public enum GateFraming
{
    /// <summary>Headshot view: the face (skull top to chin) fills 40-50 % of the frame height.</summary>
    View,
    /// <summary>Movie still: the face is 15-25 % of the frame width and the frame reaches down to the waist.</summary>
    Cinematic,
    /// <summary>No framing check.</summary>
    Any,
}

/// <summary>
/// What a generated image must show. <see cref="View"/> is checked by class (docs/head-pose.md);
/// <see cref="MatchYaw"/> instead asks for a measured yaw within <see cref="YawTolerance"/> degrees (matched portraits).
/// </summary>
public sealed record GateExpectation(FaceView? View, GateFraming Framing)
{
    public float? MatchYaw { get; init; }
    public float YawTolerance { get; init; } = 10;
    /// <summary>With <see cref="GateFraming.Any"/>: the face box must be at least this share of the frame width (a person placed into a scene).</summary>
    public double? MinFaceWidth { get; init; }
    /// <summary>The body pose the image must show (pose-conditioned generation): checked by re-extracting the pose from the image.</summary>
    public PoseTemplate? Pose { get; init; }

    public static GateExpectation ForView(FaceView view) => new(view, GateFraming.View);
    public static GateExpectation Cinematic(FaceView? view = null) => new(view, GateFraming.Cinematic);
    public static GateExpectation MatchingYaw(float yaw, GateFraming framing) => new(null, framing) { MatchYaw = yaw };

    public static GateExpectation ForPose(PoseTemplate pose, double minFaceWidth) => new(null, GateFraming.Any) { Pose = pose, MinFaceWidth = minFaceWidth };

    public override string ToString() => (View, MatchYaw) switch
    {
        ({ } v, _) => $"{v}, {Framing} framing",
        (_, { } y) => $"yaw {y:+0;-0} ±{YawTolerance:0}, {Framing} framing",
        _ when Pose is not null => $"pose {Pose.Id}",
        _ => $"{Framing} framing",
    };
}

/// <summary>The gate's thresholds. Identity uses the embedder's calibrated threshold (docs/identity-calibration.md).</summary>
public sealed record GateRules
{
    public double ViewMinFaceHeight { get; init; } = 0.40;
    public double ViewMaxFaceHeight { get; init; } = 0.50;
    public double CinematicMinFaceWidth { get; init; } = 0.15;
    public double CinematicMaxFaceWidth { get; init; } = 0.25;
    /// <summary>Chin to frame bottom, in face heights, for a waist-up shot (the waist is about 2 head heights below the chin).</summary>
    public double WaistUpBelowChin { get; init; } = 1.5;
    /// <summary>A second face this large relative to the first means the image shows two people.</summary>
    public double SecondFaceRatio { get; init; } = 0.25;
    /// <summary>Whole-image luma standard deviation below this is a blank image.</summary>
    public double MinLumaDeviation { get; init; } = 0.02;
    /// <summary>Shorter side below this is a placeholder or thumbnail, not a generated image.</summary>
    public int MinSide { get; init; } = 256;
    /// <summary>Fewer distinct colours than this (on a 64x64 reduction) is a flat placeholder graphic.</summary>
    public int MinDistinctColours { get; init; } = 48;
    public double MinSharpness { get; init; } = 0.03;
    public double MinMeanLuma { get; init; } = 0.18;
    public double MaxMeanLuma { get; init; } = 0.88;
    public double MaxClipped { get; init; } = 0.25;
    /// <summary>Pose similarity to the template (see <see cref="PoseGateThresholds"/>).</summary>
    public float MinPoseSimilarity { get; init; } = PoseGateThresholds.SamePose;
    public float MinPosePart { get; init; } = PoseGateThresholds.WorstPart;
}
