using Likeness.Imaging;

namespace Likeness.Vision.Faces;

/// <summary>Finds faces with 5 keypoints. Results are sorted by box area, largest first.</summary>
public interface IFaceDetector
{
    string ModelName { get; }

    Task<IReadOnlyList<DetectedFace>> DetectAsync(RgbaImage image, FaceDetectionOptions? options = null, CancellationToken ct = default);
}

public sealed record FaceDetectionOptions
{
    public float ScoreThreshold { get; init; } = 0.6f;
    public float NmsIouThreshold { get; init; } = 0.3f;
    /// <summary>Faces narrower than this many pixels (in the original image) are dropped.</summary>
    public int MinFaceSize { get; init; } = 16;
    /// <summary>Longest side the image is scaled to before detection (keeps aspect); larger images are scaled down.</summary>
    public int MaxInputSide { get; init; } = 640;
    public int MaxFaces { get; init; } = 100;

    public static FaceDetectionOptions Default { get; } = new();
}
