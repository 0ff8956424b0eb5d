namespace Likeness.Vision.Pose.Templates;

/// <summary>
/// Pose similarity bars, calibrated on the bundled catalogue and real photos (PoseLibraryTests prints the figures):
/// a pose re-extracted from the mirrored photo and mirrored back scores 0.81-0.99 (golf 0.99, footballer 0.93, dancer
/// 0.81); the 1,722 pairs of different catalogue poses score 0.29 in the median, 0.55 at the 90th percentile (the most
/// alike: two walkers mid-stride, 0.98: near-duplicates a gate cannot tell apart either).
/// </summary>
public static class PoseGateThresholds
{
    public const float SamePose = 0.75f;

    /// <summary>Every body part (head, each arm, each leg) must reach this: one arm in the wrong place fails the pose.</summary>
    public const float WorstPart = 0.4f;
}
