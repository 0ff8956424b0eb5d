using System.Numerics;

namespace Likeness.Vision.Faces.Alignment;

/// <summary>
/// The five-point template of InsightFace's ArcFace models in a 112x112 crop, in <see cref="DetectedFace"/>
/// keypoint order: image-left eye, image-right eye, nose tip, image-left and image-right mouth corners.
/// </summary>
public static class ArcFaceTemplate
{
    public const int Size = 112;

    public static IReadOnlyList<Vector2> Points112 { get; } =
    [
        new(38.2946f, 51.6963f),
        new(73.5318f, 51.5014f),
        new(56.0252f, 71.7366f),
        new(41.5493f, 92.3655f),
        new(70.7299f, 92.2041f),
    ];

    /// <summary>The template scaled to a square crop of <paramref name="size"/> pixels.</summary>
    public static Vector2[] For(int size)
    {
        float k = (float)size / Size;
        return Points112.Select(p => p * k).ToArray();
    }
}
