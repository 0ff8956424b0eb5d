using Likeness.Imaging;

namespace Likeness.Vision.Pose;

/// <summary>Estimates the body pose of the main person in a photo (single-person models).</summary>
public interface IPoseEstimator
{
    string ModelName { get; }

    /// <summary>Always returns 17 keypoints; when nobody is in view their scores (and <see cref="BodyPose.Score"/>) are low.</summary>
    Task<BodyPose> EstimateAsync(RgbaImage image, CancellationToken ct = default);
}
