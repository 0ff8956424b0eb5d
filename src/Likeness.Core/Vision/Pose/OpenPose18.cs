using Likeness.Imaging;

namespace Likeness.Vision.Pose;

/// <summary>
/// The OpenPose COCO-18 layout used by ControlNet-style pose images: COCO-17 reordered plus a neck at the
/// shoulder midpoint (its score the lower of the two shoulders').
/// </summary>
public static class OpenPose18
{
    public const int KeypointCount = 18;

    public static IReadOnlyList<string> Names { get; } =
    [
        "nose", "neck", "r_shoulder", "r_elbow", "r_wrist", "l_shoulder", "l_elbow", "l_wrist",
        "r_hip", "r_knee", "r_ankle", "l_hip", "l_knee", "l_ankle", "r_eye", "l_eye", "r_ear", "l_ear",
    ];

    /// <summary>COCO index of each OpenPose keypoint; -1 marks the neck, which COCO lacks.</summary>
    static readonly int[] FromCoco = [0, -1, 6, 8, 10, 5, 7, 9, 12, 14, 16, 11, 13, 15, 2, 1, 4, 3];

    /// <summary>Limbs as pairs of OpenPose indices, in OpenPose's drawing order (body, then head).</summary>
    public static IReadOnlyList<(int From, int To)> Limbs { get; } =
    [
        (1, 2), (1, 5), (2, 3), (3, 4), (5, 6), (6, 7), (1, 8), (8, 9), (9, 10),
        (1, 11), (11, 12), (12, 13), (1, 0), (0, 14), (14, 16), (0, 15), (15, 17),
    ];

    /// <summary>OpenPose's colour per keypoint; limb i is drawn in colour i.</summary>
    public static IReadOnlyList<Rgba32> Colours { get; } =
    [
        new(255, 0, 0), new(255, 85, 0), new(255, 170, 0), new(255, 255, 0), new(170, 255, 0), new(85, 255, 0),
        new(0, 255, 0), new(0, 255, 85), new(0, 255, 170), new(0, 255, 255), new(0, 170, 255), new(0, 85, 255),
        new(0, 0, 255), new(85, 0, 255), new(170, 0, 255), new(255, 0, 255), new(255, 0, 170), new(255, 0, 85),
    ];

    /// <summary>Each keypoint's counterpart on the other side of the body (nose and neck map to themselves).</summary>
    static readonly int[] Mirror = [0, 1, 5, 6, 7, 2, 3, 4, 11, 12, 13, 8, 9, 10, 15, 14, 17, 16];

    public static int MirrorIndex(int index) => Mirror[index];

    public const int Nose = 0, Neck = 1, RightShoulder = 2, RightElbow = 3, RightWrist = 4, LeftShoulder = 5, LeftElbow = 6,
        LeftWrist = 7, RightHip = 8, RightKnee = 9, RightAnkle = 10, LeftHip = 11, LeftKnee = 12, LeftAnkle = 13,
        RightEye = 14, LeftEye = 15, RightEar = 16, LeftEar = 17;

    public static PoseKeypoint[] From(BodyPose pose)
    {
        var result = new PoseKeypoint[KeypointCount];
        for (int i = 0; i < KeypointCount; i++)
        {
            if (FromCoco[i] >= 0)
            {
                result[i] = pose.Keypoints[FromCoco[i]];
                continue;
            }
            var (l, r) = (pose[BodyKeypoint.LeftShoulder], pose[BodyKeypoint.RightShoulder]);
            result[i] = new PoseKeypoint((l.X + r.X) / 2, (l.Y + r.Y) / 2, Math.Min(l.Score, r.Score));
        }
        return result;
    }
}
