using System.Numerics;
using Likeness.Vision.Faces.Landmarks;

namespace Likeness.Vision.Faces.Pose;

/// <summary>
/// Yaw, pitch and roll from landmarks (conventions on <see cref="HeadPose"/>; maths and measurements in
/// docs/head-pose.md).
/// <para>Roll is the angle of the line from the image-left eye to the image-right eye.</para>
/// <para>Yaw: after levelling the eye line, the nose tip sits off the eye midpoint by r half-eye-distances.
/// The nose tip stands a depth K (in half-eye-distances) in front of the eyes, so turning the head by yaw
/// moves it by K sin(yaw) while the eyes close up by cos(yaw): r = K tan(yaw). K is calibrated per landmark
/// source. This 2D reading is used even for the mesh because the mesh's depth under-rotates on turned heads.</para>
/// <para>Pitch: from the mesh, the elevation of the face's forward axis (left-right axis from mirrored point
/// pairs, crossed with the chin-to-forehead axis, in 3D); without depth, from where the nose tip sits between
/// the eye line and the mouth line.</para>
/// </summary>
public static class HeadPoseEstimator
{
    /// <summary>Nose depth K for the face mesh: its own depth, averaged over 48 frontal portraits.</summary>
    internal const float MeshNoseDepth = 1.1f;
    /// <summary>
    /// The raw mesh pitch of the median portrait looking at the camera (62 identity photos + astronaut): the
    /// chin-to-forehead line leans back in a level face, so this is subtracted to make "looking at the camera" 0.
    /// </summary>
    internal const float MeshPitchOffset = -9f;

    /// <summary>
    /// 2D sources, calibrated against the mesh on the same photos: K for yaw, and the nose-tip height between
    /// eye line (0) and mouth line (1) at pitch 0 with degrees of pitch per unit of it.
    /// </summary>
    internal static readonly FivePointCalibration Keypoints = new(NoseDepth: 1.7f, NeutralNoseHeight: 0.625f, PitchGain: 100f);
    internal static readonly FivePointCalibration Landmarks68 = new(NoseDepth: 0.95f, NeutralNoseHeight: 0.58f, PitchGain: 60f);

    internal readonly record struct FivePointCalibration(float NoseDepth, float NeutralNoseHeight, float PitchGain);

    /// <summary>From landmarks: the face mesh when present, else the 68 points in 2D.</summary>
    public static HeadPose Estimate(FaceLandmarks landmarks)
    {
        if (landmarks.HasDepth)
        {
            var (yaw, roll) = YawAndRoll(landmarks.LeftEyeCenter, landmarks.RightEyeCenter, landmarks.NoseTip, MeshNoseDepth);
            return new HeadPose(yaw, MeshPitch(landmarks), roll, HeadPoseSource.FaceMesh);
        }
        return FromFivePoints(landmarks.ToFivePoints(), Landmarks68, HeadPoseSource.Landmarks2D);
    }

    /// <summary>From the detector's keypoints alone, for when no landmark model is available.</summary>
    public static HeadPose Estimate(DetectedFace face) => FromFivePoints(face.Keypoints, Keypoints, HeadPoseSource.Keypoints);

    static HeadPose FromFivePoints(ReadOnlySpan<Vector2> points, FivePointCalibration calibration, HeadPoseSource source)
    {
        var (yaw, roll) = YawAndRoll(points[0], points[1], points[2], calibration.NoseDepth);
        var level = Matrix3x2.CreateRotation(-roll * MathF.PI / 180);
        float eyeY = Vector2.Transform((points[0] + points[1]) / 2, level).Y;
        float mouthY = Vector2.Transform((points[3] + points[4]) / 2, level).Y;
        float noseY = Vector2.Transform(points[2], level).Y;
        float pitch = mouthY - eyeY > 1e-3f ? (calibration.NeutralNoseHeight - (noseY - eyeY) / (mouthY - eyeY)) * calibration.PitchGain : 0;
        return new HeadPose(yaw, pitch, roll, source);
    }

    static (float Yaw, float Roll) YawAndRoll(Vector2 leftEye, Vector2 rightEye, Vector2 noseTip, float noseDepth)
    {
        var eyes = rightEye - leftEye;
        float halfEyes = eyes.Length() / 2;
        float roll = MathF.Atan2(eyes.Y, eyes.X);
        if (halfEyes < 1e-3f) return (0, Degrees(roll));
        // Level the eye line, then read the nose tip's horizontal offset from the eye midpoint.
        var level = Matrix3x2.CreateRotation(-roll);
        float offset = Vector2.Transform(noseTip, level).X - Vector2.Transform((leftEye + rightEye) / 2, level).X;
        return (Degrees(MathF.Atan(offset / halfEyes / noseDepth)), Degrees(roll));
    }

    static float MeshPitch(FaceLandmarks mesh)
    {
        var p = mesh.Points;
        var lateral = Vector3.Zero;
        foreach (var (left, right) in mesh.Layout.MirrorPairs) lateral += p[right] - p[left];
        var midline = mesh.Layout.Midline;
        var up = p[midline[0]] + p[midline[1]] + p[midline[2]] - (p[midline[^1]] + p[midline[^2]] + p[midline[^3]]);
        // Image axes: x right, y down, z away from the camera (right-handed). For a frontal face
        // x = (1,0,0) and up = (0,-1,0), so forward = x × up = (0,0,-1) points at the camera.
        var x = Vector3.Normalize(lateral);
        var u = Vector3.Normalize(up - Vector3.Dot(up, x) * x);
        var forward = Vector3.Cross(x, u);
        return Degrees(MathF.Atan2(-forward.Y, MathF.Sqrt(forward.X * forward.X + forward.Z * forward.Z))) - MeshPitchOffset;
    }

    static float Degrees(float radians) => radians * (180 / MathF.PI);
}
