using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Filters;
using Likeness.Vision.Faces.Landmarks;
using Likeness.Vision.Parsing;

namespace Likeness.Pipelines.Swap;

public enum Occlusion { None, Opaque, Transparent }

/// <param name="OccluderShare">Mean clothes probability over the inner face (forehead top, eyes and brows left out): masks, scarves, collars.</param>
/// <param name="HairShare">Mean hair probability over the band from the brows to the nose tip: hair hanging over the eyes and cheeks (beards sit lower and do not count).</param>
/// <param name="FrameEdges">Edge strength in the ring around the eyes relative to the cheeks (glasses frames).</param>
/// <param name="EyeDarkness">Cheek brightness over eye-area brightness (tinted lenses darken the eyes).</param>
public sealed record OcclusionVerdict(Occlusion Kind, float OccluderShare, float HairShare, float FrameEdges, float EyeDarkness, float Presence);

/// <summary>
/// Per face: is something in front of it, opaque (a mask, a microphone, hair, a hand on clothes) or transparent (glasses)?
/// From local signals only: the parser's hair/clothes share inside the face, the edge energy of a frame around the eyes,
/// the darkness of tinted lenses. Routes video frames: <see cref="Occlusion.None"/> takes the fast path, anything else
/// the occlusion-aware one. Thresholds come from the labelled set in the tests (see docs/swap.md for its accuracy).
/// </summary>
public static class OcclusionClassifier
{
    public const float OpaqueShare = 0.06f;
    public const float HairOver = 0.3f;
    public const float FrameEdgeRatio = 2.6f;
    public const float TintedEyes = 2.6f;

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
        double cover = 0, area = 0, hair = 0, band = 0;
        var noseDepth = Vector2.Dot(mesh.NoseTip - offset - top, down);
        for (var y = 0; y < roi.Height; y++)
            for (var x = 0; x < roi.Width; x++)
            {
                var i = y * roi.Width + x;
                if (oval.Data[i] <= 0 || eyes.Data[i] > 0) continue;
                var depth = Vector2.Dot(new Vector2(x, y) - top, down);
                if (depth < faceHeight * 0.2f) continue;
                cover += parsed.Clothes.Data[i];
                area++;
                if (depth <= noseDepth) { hair += parsed.Hair.Data[i]; band++; }
            }
        var share = area == 0 ? 0 : (float)(cover / area);
        var hairShare = band == 0 ? 0 : (float)(hair / band);

        // Glasses: edges in the ring around the eyes (the frame) against the cheeks; tinted lenses: dark eye areas.
        var luma = Luma(roi);
        var gradient = GradientMagnitude(luma);
        var eyePolygons = new FloatPlane(roi.Width, roi.Height);
        LandmarkMasks.Fill(eyePolygons, mesh.LeftEye.Select(p => p - offset).ToArray(), 1);
        LandmarkMasks.Fill(eyePolygons, mesh.RightEye.Select(p => p - offset).ToArray(), 1);
        var eyeCore = eyePolygons.Dilate(Math.Max(1, (int)(size * 0.02f)));
        var lensArea = eyePolygons.Dilate(Math.Max(2, (int)(size * 0.07f)));
        var cheeks = LandmarkMasks.BareSkinRegion(mesh, roi.Width, roi.Height, Likeness.Imaging.Transforms.AffineTransform.Translation(-region.X, -region.Y));
        double ringEdges = 0, ringArea = 0, cheekEdges = 0, cheekArea = 0, lensLuma = 0, cheekLuma = 0;
        for (var i = 0; i < luma.Data.Length; i++)
        {
            if (lensArea.Data[i] > 0 && eyeCore.Data[i] <= 0) { ringEdges += gradient.Data[i]; ringArea++; }
            if (lensArea.Data[i] > 0) lensLuma += luma.Data[i];
            if (cheeks.Data[i] > 0 && lensArea.Data[i] <= 0) { cheekEdges += gradient.Data[i]; cheekLuma += luma.Data[i]; cheekArea++; }
        }
        var frameEdges = ringArea == 0 || cheekArea == 0 ? 0 : (float)((ringEdges / ringArea) / Math.Max(1e-3, cheekEdges / cheekArea));
        var lensCount = lensArea.Data.Count(v => v > 0);
        var eyeDarkness = lensCount == 0 || cheekArea == 0 ? 1 : (float)((cheekLuma / cheekArea) / Math.Max(1, lensLuma / lensCount));

        var kind = eyeDarkness >= TintedEyes ? Occlusion.Transparent
            : share >= OpaqueShare || hairShare >= HairOver ? Occlusion.Opaque
            : frameEdges >= FrameEdgeRatio ? Occlusion.Transparent
            : Occlusion.None;
        return new OcclusionVerdict(kind, share, hairShare, frameEdges, eyeDarkness, mesh.Presence);
    }

    static FloatPlane Luma(RgbaImage img)
    {
        var plane = new FloatPlane(img.Width, img.Height);
        var pixels = img.Pixels;
        for (var i = 0; i < pixels.Length; i++) plane.Data[i] = 0.299f * pixels[i].R + 0.587f * pixels[i].G + 0.114f * pixels[i].B;
        return plane;
    }

    static FloatPlane GradientMagnitude(FloatPlane p)
    {
        var g = new FloatPlane(p.Width, p.Height);
        for (var y = 1; y < p.Height - 1; y++)
            for (var x = 1; x < p.Width - 1; x++)
            {
                var gx = p[x + 1, y] - p[x - 1, y];
                var gy = p[x, y + 1] - p[x, y - 1];
                g[x, y] = MathF.Sqrt(gx * gx + gy * gy);
            }
        return g;
    }
}
