using System.Numerics;
using Likeness.Imaging;

namespace Likeness.Vision.Faces.Landmarks;

/// <summary>Named areas of the 468-point face mesh, as in FaceFusion's area mask.</summary>
public enum FaceArea { UpperFace, LowerFace, Eyes, Nose, Mouth }

public static class MeshAreas
{
    public static IReadOnlyList<FaceArea> All { get; } = Enum.GetValues<FaceArea>();

    /// <summary>Bridge, tip, wings and nostrils (MediaPipe indices).</summary>
    public static readonly int[] Nose = [168, 6, 197, 195, 5, 4, 1, 19, 94, 2, 98, 97, 326, 327, 129, 358, 64, 294, 48, 278, 115, 344, 220, 440, 45, 275];

    public static string Name(FaceArea area) => area switch
    {
        FaceArea.UpperFace => "upper-face", FaceArea.LowerFace => "lower-face", FaceArea.Eyes => "eyes", FaceArea.Nose => "nose", _ => "mouth",
    };

    public static FaceArea Parse(string name)
    {
        foreach (var area in All)
            if (Name(area) == name.Trim().ToLowerInvariant()) return area;
        throw new ArgumentException($"'{name}' is not a face area; use {string.Join(", ", All.Select(Name))}.");
    }

    /// <summary>1 inside the union of <paramref name="areas"/>, over <paramref name="region"/> of the image.</summary>
    public static FloatPlane Mask(FaceLandmarks mesh, IEnumerable<FaceArea> areas, Rect region)
    {
        if (mesh.Layout != LandmarkLayout.Mesh468) throw new ArgumentException("Face areas need the 468-point mesh.");
        var mask = new FloatPlane(region.Width, region.Height);
        var offset = new Vector2(region.X, region.Y);
        Vector2[] Local(IEnumerable<Vector2> points) => points.Select(p => p - offset).ToArray();
        foreach (var area in areas.Distinct())
        {
            switch (area)
            {
                case FaceArea.Eyes:
                    LandmarkMasks.Fill(mask, Local(ConvexHull([.. mesh.LeftEye, .. mesh.LeftBrow])), 1);
                    LandmarkMasks.Fill(mask, Local(ConvexHull([.. mesh.RightEye, .. mesh.RightBrow])), 1);
                    break;
                case FaceArea.Nose:
                    LandmarkMasks.Fill(mask, Local(ConvexHull(mesh.Polygon(Nose))), 1);
                    break;
                case FaceArea.Mouth:
                    LandmarkMasks.Fill(mask, Local(mesh.OuterLips), 1);
                    break;
                default:
                    FillHalf(mask, mesh, offset, upper: area == FaceArea.UpperFace);
                    break;
            }
        }
        return mask;
    }

    /// <summary>The face oval above (or below) the line through the base of the nose, across the face's own vertical axis.</summary>
    static void FillHalf(FloatPlane mask, FaceLandmarks mesh, Vector2 offset, bool upper)
    {
        var oval = new FloatPlane(mask.Width, mask.Height);
        LandmarkMasks.Fill(oval, mesh.FaceOval.Select(p => p - offset).ToArray(), 1);
        var down = Vector2.Normalize(mesh.Chin - mesh[10]);
        var split = mesh[2] - offset;
        for (var y = 0; y < mask.Height; y++)
        {
            var row = mask.Row(y);
            var inside = oval.Row(y);
            for (var x = 0; x < mask.Width; x++)
            {
                if (inside[x] <= 0) continue;
                var below = Vector2.Dot(new Vector2(x, y) - split, down) > 0;
                if (below != upper) row[x] = MathF.Max(row[x], inside[x]);
            }
        }
    }

    /// <summary>Andrew's monotone chain.</summary>
    public static Vector2[] ConvexHull(IReadOnlyList<Vector2> points)
    {
        var sorted = points.Distinct().OrderBy(p => p.X).ThenBy(p => p.Y).ToArray();
        if (sorted.Length < 3) return sorted;
        var hull = new Vector2[sorted.Length * 2];
        var k = 0;
        static float Cross(Vector2 o, Vector2 a, Vector2 b) => (a.X - o.X) * (b.Y - o.Y) - (a.Y - o.Y) * (b.X - o.X);
        foreach (var p in sorted)
        {
            while (k >= 2 && Cross(hull[k - 2], hull[k - 1], p) <= 0) k--;
            hull[k++] = p;
        }
        for (int i = sorted.Length - 2, lower = k + 1; i >= 0; i--)
        {
            while (k >= lower && Cross(hull[k - 2], hull[k - 1], sorted[i]) <= 0) k--;
            hull[k++] = sorted[i];
        }
        return hull[..(k - 1)];
    }
}
