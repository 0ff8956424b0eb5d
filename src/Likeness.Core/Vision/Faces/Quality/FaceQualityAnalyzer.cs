using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Color;
using Likeness.Imaging.Filters;
using Likeness.Imaging.Transforms;
using Likeness.Inference;
using Likeness.Vision.Faces.Landmarks;
using Likeness.Vision.Parsing;

namespace Likeness.Vision.Faces.Quality;

/// <summary>
/// Measures a detected face (see <see cref="FaceQuality"/>). Sharpness and exposure come from the face warped
/// onto the ArcFace 112x112 template by its 5 keypoints; the occlusion hint parses a square crop twice the
/// face box (so small faces still get a detailed skin mask) and counts non-skin inside the landmark outline.
/// </summary>
public sealed class FaceQualityAnalyzer(IFaceLandmarker landmarker, ISkinClothesHairParser parser)
{
    public FaceQualityAnalyzer(IModelSessions sessions) : this(new FaceMeshLandmarker(sessions), new SkinClothesHairParser(sessions)) { }

    internal const int AlignedSize = 112;
    const int ParseSize = 512;
    const float DarkLuma = 10 / 255f, BrightLuma = 245 / 255f;

    internal static readonly Vector2[] Template = Alignment.ArcFaceTemplate.For(AlignedSize);

    /// <summary>Eyes to mouth in template coordinates: inside the face in any view up to three-quarter.</summary>
    const float WindowCenterX = 56, WindowCenterY = 70, WindowWidth = 56, WindowHeight = 60;

    /// <param name="landmarks">Landmarks of <paramref name="face"/> if already computed; otherwise they are.</param>
    public async Task<FaceQuality> AnalyzeAsync(RgbaImage image, DetectedFace face, FaceLandmarks? landmarks = null, CancellationToken ct = default)
    {
        landmarks ??= await landmarker.DetectAsync(image, face, ct);
        var imageToAligned = SimilarityTransform.Estimate(face.Keypoints, Template);
        var luma = CropWarp.Extract(image, imageToAligned, AlignedSize, AlignedSize).ToGray();

        double sharpness = Sharpness(image, imageToAligned);
        var faceRegion = new FloatPlane(AlignedSize, AlignedSize);
        var outline = landmarks.FaceOval;
        imageToAligned.Apply(outline, outline);
        LandmarkMasks.Fill(faceRegion, outline, 1);
        var (mean, dark, bright) = Exposure(luma, faceRegion);

        float occlusion = await OcclusionAsync(image, face, landmarks, ct);
        return new FaceQuality(face.Box.Width, face.Box.Width / image.Width, sharpness, mean, dark, bright, occlusion);
    }

    /// <summary>
    /// The eyes-to-mouth window brought to template scale by area averaging only. Not the rotated aligned crop:
    /// its bilinear resampling at sub-pixel offsets blurs by a varying amount, which moved the variance of the
    /// Laplacian by 3x between a photo and its half-size copy; this window stays within about 20 %.
    /// Roll is ignored (the Laplacian hardly depends on it; a strongly rolled face shifts the window a little).
    /// </summary>
    static double Sharpness(RgbaImage image, AffineTransform imageToAligned)
    {
        double scale = imageToAligned.ScaleFactor;
        var (cx, cy) = imageToAligned.Invert().Apply(WindowCenterX, WindowCenterY);
        float w = (float)(WindowWidth / scale), h = (float)(WindowHeight / scale);
        var rect = new BoxF((float)cx - w / 2, (float)cy - h / 2, w, h).ToRect(image.Width, image.Height);
        if (rect.Width < 3 || rect.Height < 3) return 0;
        var window = image.Crop(rect).Resize((int)WindowWidth, (int)WindowHeight, ResizeMethod.Area);
        return window.ToGray().VarianceOfLaplacian() * 255 * 255;
    }

    static (float Mean, float Dark, float Bright) Exposure(FloatPlane luma, FloatPlane region)
    {
        double sum = 0, count = 0, dark = 0, bright = 0;
        for (int i = 0; i < luma.Data.Length; i++)
        {
            if (region.Data[i] < 0.5f) continue;
            float v = luma.Data[i];
            sum += v;
            count++;
            if (v <= DarkLuma) dark++;
            if (v >= BrightLuma) bright++;
        }
        if (count == 0) return (float.NaN, float.NaN, float.NaN);
        return ((float)(sum / count), (float)(dark / count), (float)(bright / count));
    }

    async Task<float> OcclusionAsync(RgbaImage image, DetectedFace face, FaceLandmarks landmarks, CancellationToken ct)
    {
        float side = 2 * MathF.Max(face.Box.Width, face.Box.Height);
        var imageToCrop = AffineTransform.Translation(side / 2 - face.Box.CenterX, side / 2 - face.Box.CenterY)
            .Then(AffineTransform.Scaling(ParseSize / side, ParseSize / side));
        var masks = await parser.ParseAsync(CropWarp.Extract(image, imageToCrop, ParseSize, ParseSize), ct);

        var region = LandmarkMasks.BareSkinRegion(landmarks, ParseSize, ParseSize, imageToCrop);
        double area = 0, notSkin = 0;
        for (int i = 0; i < region.Data.Length; i++)
        {
            if (region.Data[i] < 0.5f) continue;
            area++;
            if (masks.Skin.Data[i] < 0.5f) notSkin++;
        }
        return area > 0 ? (float)(notSkin / area) : float.NaN;
    }
}
