namespace Likeness.Vision.Faces.Pose;

/// <summary>
/// Which way the face is turned, named by where the NOSE points in the frame: ThreeQuarterLeft means the
/// nose points toward the image's left edge (the subject turned to their own right, in an unmirrored photo).
/// Image terms, not the subject's, so a horizontally flipped photo swaps Left and Right.
/// </summary>
public enum FaceView
{
    Front,
    ThreeQuarterLeft,
    ThreeQuarterRight,
    ProfileLeft,
    ProfileRight,
}

public static class FaceViews
{
    /// <summary>|yaw| below this is <see cref="FaceView.Front"/> (degrees).</summary>
    public const float FrontMaxYaw = 15;
    /// <summary>
    /// |yaw| up to this is three-quarter; above it is profile (degrees). Landmark yaw saturates on turned heads
    /// (features hidden behind the nose cannot be placed): near-profile photos measure 45-48, three-quarter
    /// views 25-35, so the boundary is 40 measured degrees, not the 60 a true angle would suggest.
    /// </summary>
    public const float ThreeQuarterMaxYaw = 40;

    /// <summary>The view for a yaw in degrees (positive = nose toward the image's right edge).</summary>
    public static FaceView FromYaw(float yaw)
    {
        float magnitude = MathF.Abs(yaw);
        if (magnitude < FrontMaxYaw) return FaceView.Front;
        bool right = yaw > 0;
        if (magnitude <= ThreeQuarterMaxYaw) return right ? FaceView.ThreeQuarterRight : FaceView.ThreeQuarterLeft;
        return right ? FaceView.ProfileRight : FaceView.ProfileLeft;
    }

    /// <summary>The view seen in a horizontally flipped copy of the image.</summary>
    public static FaceView Mirrored(this FaceView view) => view switch
    {
        FaceView.ThreeQuarterLeft => FaceView.ThreeQuarterRight,
        FaceView.ThreeQuarterRight => FaceView.ThreeQuarterLeft,
        FaceView.ProfileLeft => FaceView.ProfileRight,
        FaceView.ProfileRight => FaceView.ProfileLeft,
        _ => view,
    };

    public static bool IsProfile(this FaceView view) => view is FaceView.ProfileLeft or FaceView.ProfileRight;
}
