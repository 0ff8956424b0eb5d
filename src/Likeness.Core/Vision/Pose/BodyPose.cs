using System.Numerics;

namespace Likeness.Vision.Pose;

/// <summary>COCO-17 body keypoints in COCO order; left and right are the SUBJECT's (their left shoulder appears on the image's right for a frontal person).</summary>
public enum BodyKeypoint
{
    Nose, LeftEye, RightEye, LeftEar, RightEar, LeftShoulder, RightShoulder, LeftElbow, RightElbow,
    LeftWrist, RightWrist, LeftHip, RightHip, LeftKnee, RightKnee, LeftAnkle, RightAnkle,
}

/// <summary>A joint in image pixel coordinates (pixel centres at integers, as the drawing helpers use) with the model's confidence in 0..1.</summary>
public readonly record struct PoseKeypoint(float X, float Y, float Score)
{
    public Vector2 Position => new(X, Y);
    public override string ToString() => $"({X:0.#},{Y:0.#} {Score:0.00})";
}

/// <summary>One person's body pose: 17 COCO keypoints in the coordinates of the image given to the estimator.</summary>
public sealed class BodyPose
{
    public const int KeypointCount = 17;

    /// <summary>COCO keypoint names, in order.</summary>
    public static IReadOnlyList<string> KeypointNames { get; } =
    [
        "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
        "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
    ];

    readonly PoseKeypoint[] _keypoints;

    public BodyPose(IReadOnlyList<PoseKeypoint> keypoints, string modelName)
    {
        if (keypoints.Count != KeypointCount)
            throw new ArgumentException($"a COCO body pose has {KeypointCount} keypoints, got {keypoints.Count}", nameof(keypoints));
        _keypoints = keypoints.ToArray();
        ModelName = modelName;
    }

    public IReadOnlyList<PoseKeypoint> Keypoints => _keypoints;
    public string ModelName { get; }

    public PoseKeypoint this[BodyKeypoint joint] => _keypoints[(int)joint];

    /// <summary>Mean keypoint confidence: low when nobody (or only a fragment of a person) is in view.</summary>
    public float Score => _keypoints.Average(k => k.Score);

    /// <summary>The 18 OpenPose (COCO-18) keypoints; see <see cref="OpenPose18"/>.</summary>
    public PoseKeypoint[] ToOpenPose18() => OpenPose18.From(this);

    /// <summary>
    /// The pose as it would be found in the horizontally flipped image: x mirrored and left/right joints swapped
    /// (the subject's left stays their left; it just moves to the other side of the picture).
    /// </summary>
    public BodyPose Mirrored(int imageWidth)
    {
        var mirrored = new PoseKeypoint[KeypointCount];
        for (int i = 0; i < KeypointCount; i++)
        {
            var k = _keypoints[MirrorIndex(i)];
            mirrored[i] = k with { X = imageWidth - 1 - k.X };
        }
        return new BodyPose(mirrored, ModelName);
    }

    /// <summary>The same joint on the other side of the body (nose maps to itself).</summary>
    public static int MirrorIndex(int index) => index == 0 ? 0 : index % 2 == 1 ? index + 1 : index - 1;

    public override string ToString() =>
        string.Join(", ", _keypoints.Select((k, i) => $"{KeypointNames[i]} {k}"));
}
