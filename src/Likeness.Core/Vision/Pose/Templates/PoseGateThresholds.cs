namespace Likeness.Vision.Pose.Templates;

/// <summary>
/// Pose similarity bars, calibrated on the bundled catalogue and real photos (PoseLibraryTests prints the figures):
/// a pose re-extracted from the mirrored photo and mirrored back scores 0.98-0.99 (0.72 for a small, partly hidden
/// player); the 1,722 pairs of different catalogue poses score 0.29 in the median, 0.57 at the 90th percentile (the
/// most alike: two walkers mid-stride, 0.91).
/// </summary>
public static class PoseGateThresholds
{
    public const float SamePose = 0.75f;

    /// <summary>Every body part (head, each arm, each leg) must reach this: one arm in the wrong place fails the pose.</summary>
    public const float WorstPart = 0.4f;
}
