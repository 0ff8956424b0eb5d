using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Transforms;

namespace Likeness.Vision.Faces.Landmarks;

/// <summary>Masks drawn from landmark polygons (1 inside, 0 outside, decided at pixel centres).</summary>
public static class LandmarkMasks
{
    /// <summary>
    /// The face inside its outline minus eyes, brows and lips, each grown by <paramref name="featureGrowth"/>
    /// about its centre so lashes and brow edges stay out: the area that should be bare skin.
    /// </summary>
    /// <param name="imageToMask">Maps image coordinates to mask coordinates (identity when null).</param>
    public static FloatPlane BareSkinRegion(FaceLandmarks landmarks, int width, int height, AffineTransform? imageToMask = null, float featureGrowth = 1.3f)
    {
        var map = imageToMask ?? AffineTransform.Identity;
        Vector2[] Mapped(Vector2[] points) { map.Apply(points, points); return points; }
        var mask = new FloatPlane(width, height);
        Fill(mask, Mapped(landmarks.FaceOval), 1);
        foreach (var feature in new[] { landmarks.LeftEye, landmarks.RightEye, landmarks.LeftBrow, landmarks.RightBrow, landmarks.OuterLips })
            Fill(mask, Grown(Mapped(feature), featureGrowth), 0);
        return mask;
    }

    /// <summary>Sets every pixel whose centre lies inside <paramref name="polygon"/> (even-odd rule) to <paramref name="value"/>.</summary>
    public static void Fill(FloatPlane mask, ReadOnlySpan<Vector2> polygon, float value)
    {
        if (polygon.Length < 3) return;
        float minY = float.MaxValue, maxY = float.MinValue;
        foreach (var p in polygon) { minY = MathF.Min(minY, p.Y); maxY = MathF.Max(maxY, p.Y); }
        int y0 = Math.Max(0, (int)MathF.Floor(minY)), y1 = Math.Min(mask.Height - 1, (int)MathF.Ceiling(maxY));
        var crossings = new List<float>();
        for (int y = y0; y <= y1; y++)
        {
            float cy = y + 0.5f;
            crossings.Clear();
            for (int i = 0, j = polygon.Length - 1; i < polygon.Length; j = i++)
            {
                var a = polygon[i]; var b = polygon[j];
                if ((a.Y <= cy) != (b.Y <= cy)) crossings.Add(a.X + (cy - a.Y) / (b.Y - a.Y) * (b.X - a.X));
            }
            crossings.Sort();
            var row = mask.Row(y);
            for (int k = 0; k + 1 < crossings.Count; k += 2)
            {
                // Pixel x is inside when its centre x + 0.5 lies in [left, right).
                int from = Math.Max(0, (int)MathF.Ceiling(crossings[k] - 0.5f));
                int to = Math.Min(mask.Width - 1, (int)MathF.Ceiling(crossings[k + 1] - 0.5f) - 1);
                if (from <= to) row.Slice(from, to - from + 1).Fill(value);
            }
        }
    }

    /// <summary>
    /// The face oval shrunk to <see cref="InnerFaceShare"/> about its centre: inside it lie the eyes, brows, nose and
    /// lips; outside it the ring where the mesh meets cheeks, ears and jaw (and may overshoot onto the background).
    /// </summary>
    public static Vector2[] InnerFaceOval(FaceLandmarks landmarks) => Grown(landmarks.FaceOval, InnerFaceShare);

    public const float InnerFaceShare = 0.75f;

    /// <summary>Whether <paramref name="p"/> lies inside <paramref name="polygon"/> (even-odd rule, as <see cref="Fill"/>).</summary>
    public static bool Contains(ReadOnlySpan<Vector2> polygon, Vector2 p)
    {
        var inside = false;
        for (int i = 0, j = polygon.Length - 1; i < polygon.Length; j = i++)
            if ((polygon[i].Y > p.Y) != (polygon[j].Y > p.Y)
                && p.X < (polygon[j].X - polygon[i].X) * (p.Y - polygon[i].Y) / (polygon[j].Y - polygon[i].Y) + polygon[i].X)
                inside = !inside;
        return inside;
    }

    /// <summary>Scales <paramref name="polygon"/> in place about its centroid.</summary>
    static Vector2[] Grown(Vector2[] polygon, float factor)
    {
        var centre = Vector2.Zero;
        foreach (var p in polygon) centre += p;
        centre /= polygon.Length;
        for (int i = 0; i < polygon.Length; i++) polygon[i] = centre + (polygon[i] - centre) * factor;
        return polygon;
    }
}
