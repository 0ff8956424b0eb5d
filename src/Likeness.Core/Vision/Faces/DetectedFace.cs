using System.Numerics;

namespace Likeness.Vision.Faces;

/// <summary>
/// A face found by a detector, in the coordinates of the image given to it (after EXIF orientation).
/// <see cref="Keypoints"/> holds 5 points in the ArcFace template order, named by where they appear
/// in the IMAGE: eye on the image's left, eye on the image's right, nose tip, mouth corner on the
/// image's left, mouth corner on the image's right.
/// </summary>
public sealed record DetectedFace(BoxF Box, float Score, Vector2[] Keypoints)
{
    public const int KeypointCount = 5;
    public Vector2 LeftEye => Keypoints[0];
    public Vector2 RightEye => Keypoints[1];
    public Vector2 Nose => Keypoints[2];
    public Vector2 LeftMouth => Keypoints[3];
    public Vector2 RightMouth => Keypoints[4];

    /// <summary>Distance between the eye centres in pixels.</summary>
    public float InterocularDistance => Vector2.Distance(LeftEye, RightEye);
}
