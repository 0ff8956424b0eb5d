using Likeness.Imaging;

namespace Likeness.Vision.Faces.Landmarks;

/// <summary>Places dense landmarks on a face found by a detector.</summary>
public interface IFaceLandmarker
{
    string ModelName { get; }
    LandmarkLayout Layout { get; }

    Task<FaceLandmarks> DetectAsync(RgbaImage image, DetectedFace face, CancellationToken ct = default);
}
