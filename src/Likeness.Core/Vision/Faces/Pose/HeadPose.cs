namespace Likeness.Vision.Faces.Pose;

/// <summary>
/// Head orientation in degrees, in IMAGE terms:
/// <list type="bullet">
/// <item><see cref="Yaw"/> &gt; 0: the nose points toward the RIGHT edge of the frame; &lt; 0 toward the left.</item>
/// <item><see cref="Pitch"/> &gt; 0: the face tilts up (chin forward, nose toward the top edge).</item>
/// <item><see cref="Roll"/> &gt; 0: the eye line turns clockwise on screen (the image-right eye is lower).</item>
/// </list>
/// Flipping the image horizontally negates yaw and roll and leaves pitch unchanged.
/// </summary>
public readonly record struct HeadPose(float Yaw, float Pitch, float Roll, HeadPoseSource Source)
{
    public FaceView View => FaceViews.FromYaw(Yaw);

    public override string ToString() => $"yaw {Yaw:+0.0;-0.0} pitch {Pitch:+0.0;-0.0} roll {Roll:+0.0;-0.0} ({View}, from {Source})";
}

/// <summary>What a <see cref="HeadPose"/> was computed from, most reliable first.</summary>
public enum HeadPoseSource
{
    /// <summary>The 468-point mesh with its depth: a rigid face frame in 3D.</summary>
    FaceMesh,
    /// <summary>2D landmarks without depth (68 points): the nose's offset from the face's centre line.</summary>
    Landmarks2D,
    /// <summary>The detector's 5 keypoints alone: the same geometry, coarser.</summary>
    Keypoints,
}
