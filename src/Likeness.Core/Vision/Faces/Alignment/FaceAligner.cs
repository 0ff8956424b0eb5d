using Likeness.Imaging;
using Likeness.Imaging.Transforms;

namespace Likeness.Vision.Faces.Alignment;

/// <summary>
/// Warps a detected face onto the ArcFace five-point template with the least-squares similarity
/// (scale, rotation, translation) from its keypoints, as InsightFace's norm_crop does.
/// </summary>
public static class FaceAligner
{
    /// <summary>Black, opaque border like cv2.warpAffine's default, so recognisers see what they were trained on.</summary>
    static readonly Rgba32 Border = new(0, 0, 0);

    public static AlignedFace Align(RgbaImage image, DetectedFace face, int size = ArcFaceTemplate.Size)
    {
        if (size < 16) throw new ArgumentOutOfRangeException(nameof(size), size, "an aligned face crop needs at least 16 pixels");
        if (face.Keypoints.Length != DetectedFace.KeypointCount)
            throw new ArgumentException($"alignment needs {DetectedFace.KeypointCount} keypoints, the face has {face.Keypoints.Length}", nameof(face));
        var transform = SimilarityTransform.Estimate(face.Keypoints, ArcFaceTemplate.For(size));
        var crop = image.WarpAffine(transform, size, size, BorderMode.Constant, Border);
        return new AlignedFace(crop, transform, face);
    }
}
