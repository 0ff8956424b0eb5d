using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Filters;
using Likeness.Vision.Faces.Landmarks;
using Likeness.Vision.Parsing;

namespace Likeness.Pipelines.Swap;

public enum Occlusion { None, Opaque, Transparent }

/// <param name="OccluderShare">Mean clothes probability over the inner face (forehead top, eyes and brows left out): masks, scarves, collars.</param>
/// <param name="HairShare">Mean hair probability over the band from the brows to the nose tip: hair hanging over the eyes and cheeks (beards sit lower and do not count).</param>
/// <param name="GlassesBridge">The sharpest dip or line down the nose between the eyes, over its mean level (a glasses frame's bridge).</param>
/// <param name="EyeDarkness">Cheek brightness over eye-area brightness (tinted lenses darken the eyes).</param>
/// <param name="Unexplained">Share of the inner face that is none of skin, hair or clothes to the parser (an object it has no class for).</param>
public sealed record OcclusionVerdict(Occlusion Kind, float OccluderShare, float HairShare, float GlassesBridge, float EyeDarkness, float Presence, float Unexplained = 0);

/// <summary>
/// Per face: is something in front of it, opaque (a mask, a microphone, hair, a hand on clothes) or transparent (glasses)?
/// From local signals only: the parser's hair/clothes share inside the face, the bridge of a glasses frame across the
/// nose, the darkness of tinted lenses. Routes video frames: <see cref="Occlusion.None"/> takes the fast path, anything else
/// the occlusion-aware one. Thresholds come from the labelled set in the tests (see docs/swap.md for its accuracy).
/// </summary>
public static class OcclusionClassifier
{
    public const float OpaqueShare = 0.06f;
    public const float HairOver = 0.3f;
    public const float GlassesBridge = 0.3f;
    public const float TintedEyes = 2.6f;
    /// <summary>
    /// Share of the inner face the parser reads as none of skin, hair or clothes: an object it has no class for (a
    /// plain board, a phone). The labelled set's clean faces measure under 0.1; a light bar over nose and mouth on a
    /// talking head turned three-quarters (obama.mp4) 0.34–0.52 while its clothes share fell to 0.001–0.05.
    /// </summary>
    public const float UnexplainedOver = 0.25f;

    /// <summary>Classifies one face of an image: its mesh (given or measured), the region around it parsed.</summary>
    public static async Task<OcclusionVerdict> ClassifyAsync(VisionEngine engine, ISkinClothesHairParser parser, RgbaImage image,
        Likeness.Vision.Faces.DetectedFace face, FaceLandmarks? mesh = null, CancellationToken ct = default)
    {
        mesh ??= await engine.Landmarker.DetectAsync(image, face, ct);
        var region = FaceSwapper.RegionAround(mesh, image.Width, image.Height);
        var roi = Likeness.Imaging.Transforms.Geometry.Crop(image, region);
        return Classify(roi, await parser.ParseAsync(roi, ct), mesh, region);
    }

    /// <param name="roi">The face region of the image; <paramref name="parsed"/> and <paramref name="region"/> describe the same crop.</param>
    public static OcclusionVerdict Classify(RgbaImage roi, SkinClothesHairMasks parsed, FaceLandmarks mesh, Rect region)
    {
        var offset = new Vector2(region.X, region.Y);
        var size = MathF.Max(mesh.Bounds.Width, mesh.Bounds.Height);
        var oval = new FloatPlane(roi.Width, roi.Height);
        LandmarkMasks.Fill(oval, mesh.FaceOval.Select(p => p - offset).ToArray(), 1);
        var eyes = MeshAreas.Mask(mesh, [FaceArea.Eyes], region).Dilate(Math.Max(1, (int)(size * 0.03f)));
        var top = mesh[10] - offset;
        var down = Vector2.Normalize(mesh.Chin - mesh[10]);
        var faceHeight = Vector2.Distance(mesh[10], mesh.Chin);

        // Occluders: hair and clothes over the face below the hairline band.
        double cover = 0, area = 0, hair = 0, band = 0, explained = 0;
        var noseDepth = Vector2.Dot(mesh.NoseTip - offset - top, down);
        for (var y = 0; y < roi.Height; y++)
            for (var x = 0; x < roi.Width; x++)
            {
                var i = y * roi.Width + x;
                if (oval.Data[i] <= 0 || eyes.Data[i] > 0) continue;
                var depth = Vector2.Dot(new Vector2(x, y) - top, down);
                if (depth < faceHeight * 0.2f) continue;
                cover += parsed.Clothes.Data[i];
                explained += parsed.Skin.Data[i] + parsed.Clothes.Data[i] + parsed.Hair.Data[i];
                area++;
                if (depth <= noseDepth) { hair += parsed.Hair.Data[i]; band++; }
            }
        var share = area == 0 ? 0 : (float)(cover / area);
        var unexplained = area == 0 ? 0 : Math.Clamp(1 - (float)(explained / area), 0, 1);
        var hairShare = band == 0 ? 0 : (float)(hair / band);

        // Glasses: a frame's bridge across the nose; tinted lenses: dark eye areas against the cheeks.
        var luma = Luma(roi);
        var eyePolygons = new FloatPlane(roi.Width, roi.Height);
        LandmarkMasks.Fill(eyePolygons, mesh.LeftEye.Select(p => p - offset).ToArray(), 1);
        LandmarkMasks.Fill(eyePolygons, mesh.RightEye.Select(p => p - offset).ToArray(), 1);
        var lensArea = eyePolygons.Dilate(Math.Max(2, (int)(size * 0.07f)));
        var cheeks = LandmarkMasks.BareSkinRegion(mesh, roi.Width, roi.Height, Likeness.Imaging.Transforms.AffineTransform.Translation(-region.X, -region.Y));
        double cheekArea = 0, lensLuma = 0, cheekLuma = 0;
        for (var i = 0; i < luma.Data.Length; i++)
        {
            if (lensArea.Data[i] > 0) lensLuma += luma.Data[i];
            if (cheeks.Data[i] > 0 && lensArea.Data[i] <= 0) { cheekLuma += luma.Data[i]; cheekArea++; }
        }
        var lensCount = lensArea.Data.Count(v => v > 0);
        var eyeDarkness = lensCount == 0 || cheekArea == 0 ? 1 : (float)((cheekLuma / cheekArea) / Math.Max(1, lensLuma / lensCount));

        var bridge = BridgeContrast(luma, mesh, offset);
        var kind = eyeDarkness >= TintedEyes ? Occlusion.Transparent
            : share >= OpaqueShare || hairShare >= HairOver || unexplained >= UnexplainedOver ? Occlusion.Opaque
            : bridge >= GlassesBridge ? Occlusion.Transparent
            : Occlusion.None;
        return new OcclusionVerdict(kind, share, hairShare, bridge, eyeDarkness, mesh.Presence, unexplained);
    }

    /// <summary>
    /// A glasses frame's bridge: the luminance profile down the nose from between the brows to below the eyes, each
    /// sample averaged across the nose; a bridge is a sharp dip (or a bright line, for metal) that skin's smooth shading
    /// does not have. The largest departure from the profile's running median, over the profile's mean level.
    /// </summary>
    static float BridgeContrast(FloatPlane luma, FaceLandmarks mesh, Vector2 offset)
    {
        // MediaPipe mesh indices: 9 between the brows, 195 on the nose below the eyes, 133/362 the inner eye corners.
        Vector2 top = mesh[9] - offset, bottom = mesh[195] - offset;
        Vector2 innerRight = mesh[133], innerLeft = mesh[362];
        var across = Vector2.Normalize(innerLeft - innerRight);
        int halfWidth = Math.Max(1, (int)(Vector2.Distance(innerRight, innerLeft) * 0.15f));
        int n = (int)Vector2.Distance(top, bottom);
        if (n < 8) return 0;
        var profile = new float[n];
        for (int t = 0; t < n; t++)
        {
            var centre = Vector2.Lerp(top, bottom, t / (n - 1f));
            float sum = 0; int count = 0;
            for (int s = -halfWidth; s <= halfWidth; s++)
            {
                var p = centre + across * s;
                int x = (int)MathF.Round(p.X), y = (int)MathF.Round(p.Y);
                if (x < 0 || y < 0 || x >= luma.Width || y >= luma.Height) continue;
                sum += luma[x, y]; count++;
            }
            profile[t] = count == 0 ? float.NaN : sum / count;
        }
        if (profile.Any(float.IsNaN)) return 0;
        int w = Math.Max(2, n / 6);
        float worst = 0;
        var window = new List<float>();
        for (int t = 0; t < n; t++)
        {
            window.Clear();
            for (int k = Math.Max(0, t - w); k <= Math.Min(n - 1, t + w); k++) window.Add(profile[k]);
            window.Sort();
            worst = Math.Max(worst, Math.Abs(profile[t] - window[window.Count / 2]));
        }
        return worst / Math.Max(1f, profile.Average());
    }

    static FloatPlane Luma(RgbaImage img)
    {
        var plane = new FloatPlane(img.Width, img.Height);
        var pixels = img.Pixels;
        for (var i = 0; i < pixels.Length; i++) plane.Data[i] = 0.299f * pixels[i].R + 0.587f * pixels[i].G + 0.114f * pixels[i].B;
        return plane;
    }
}
