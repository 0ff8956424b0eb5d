namespace Likeness.Vision.Faces.Quality;

/// <summary>
/// How usable a face is as a reference photo. Sharpness and exposure are read on the face aligned to the
/// 112x112 ArcFace template, so they compare across photo sizes.
/// </summary>
/// <param name="FaceWidthPixels">Detector box width in image pixels.</param>
/// <param name="FaceWidthFraction">The same as a fraction of the image width.</param>
/// <param name="Sharpness">Variance of the Laplacian of the luma between eyes and mouth at the 112-px template scale, in OpenCV's 0..255 units: higher is sharper.</param>
/// <param name="ExposureMean">Mean luma (Rec.601, 0..1) over the face.</param>
/// <param name="ClippedDark">Share of face pixels at or below luma 10/255.</param>
/// <param name="ClippedBright">Share of face pixels at or above luma 245/255.</param>
/// <param name="OcclusionHint">
/// Share of the face outline, less eyes, brows and lips, that the parser does not call skin (0..1): masks,
/// hands, microphones, hair over the face, but also beards and heavy make-up. A hint, not a verdict.
/// </param>
public sealed record FaceQuality(
    float FaceWidthPixels,
    float FaceWidthFraction,
    double Sharpness,
    float ExposureMean,
    float ClippedDark,
    float ClippedBright,
    float OcclusionHint)
{
    public override string ToString() =>
        $"face {FaceWidthPixels:0} px ({FaceWidthFraction:P0} of width), sharpness {Sharpness:0}, exposure {ExposureMean:0.00} (dark {ClippedDark:P0}, bright {ClippedBright:P0}), occlusion {OcclusionHint:0.00}";
}
