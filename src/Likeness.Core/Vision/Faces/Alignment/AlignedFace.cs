using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Transforms;

namespace Likeness.Vision.Faces.Alignment;

/// <summary>
/// A square face crop warped so the five keypoints sit on the ArcFace template.
/// <see cref="ImageToCrop"/> maps original image pixels to crop pixels; its inverse maps back.
/// </summary>
public sealed record AlignedFace(RgbaImage Image, AffineTransform ImageToCrop, DetectedFace Face)
{
    public int Size => Image.Width;

    public Vector2 ToCrop(Vector2 imagePoint) => ImageToCrop.Apply(imagePoint);

    public Vector2 ToImage(Vector2 cropPoint) => ImageToCrop.Invert().Apply(cropPoint);

    /// <summary>The detector's keypoints in crop pixels.</summary>
    public Vector2[] KeypointsInCrop() => Face.Keypoints.Select(ToCrop).ToArray();

    /// <summary>Root-mean-square distance in crop pixels between the keypoints and the template: how well a similarity fits the face.</summary>
    public float TemplateResidual()
    {
        var template = ArcFaceTemplate.For(Size);
        var mapped = KeypointsInCrop();
        float sum = 0;
        for (int i = 0; i < mapped.Length; i++) sum += Vector2.DistanceSquared(mapped[i], template[i]);
        return MathF.Sqrt(sum / mapped.Length);
    }
}
