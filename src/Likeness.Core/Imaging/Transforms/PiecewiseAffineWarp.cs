using System.Numerics;

namespace Likeness.Imaging.Transforms;

/// <summary>
/// Maps a source image onto a destination frame triangle by triangle: each destination triangle samples the matching
/// source triangle through its own affine map (bilinear). Triangles are painted far to near by the destination depth,
/// so on a turned head the near cheek covers the folded far side. Pixel centres are at integer coordinates.
/// </summary>
public static class PiecewiseAffineWarp
{
    /// <returns>
    /// The warped pixels and their coverage over <paramref name="region"/> of the destination: the source's alpha where
    /// a triangle was painted (so a source marked unusable in alpha, e.g. hair over its face, is not used), times the
    /// triangle's <paramref name="weights"/> when given, else 0.
    /// </returns>
    public static (RgbaImage Image, FloatPlane Coverage) Warp(RgbaImage source, ReadOnlySpan<Vector2> sourcePoints,
        ReadOnlySpan<Vector2> destinationPoints, ReadOnlySpan<float> destinationDepth, ReadOnlySpan<int> triangles, Rect region,
        ReadOnlySpan<float> weights = default)
    {
        var image = new RgbaImage(region.Width, region.Height);
        var coverage = new FloatPlane(region.Width, region.Height);
        var order = new int[triangles.Length / 3];
        var depth = new float[order.Length];
        for (var t = 0; t < order.Length; t++)
        {
            order[t] = t;
            depth[t] = destinationDepth.IsEmpty ? 0 : -(destinationDepth[triangles[3 * t]] + destinationDepth[triangles[3 * t + 1]] + destinationDepth[triangles[3 * t + 2]]);
        }
        // Larger depth = farther from the camera (MediaPipe: z grows away from the viewer); sorted near-last.
        Array.Sort(depth, order);
        foreach (var t in order)
        {
            int a = triangles[3 * t], b = triangles[3 * t + 1], c = triangles[3 * t + 2];
            Paint(source, sourcePoints[a], sourcePoints[b], sourcePoints[c], destinationPoints[a], destinationPoints[b], destinationPoints[c], region, image, coverage,
                weights.IsEmpty ? 1 : weights[t]);
        }
        return (image, coverage);
    }

    static void Paint(RgbaImage source, Vector2 s0, Vector2 s1, Vector2 s2, Vector2 d0, Vector2 d1, Vector2 d2, Rect region, RgbaImage image, FloatPlane coverage, float weight)
    {
        var area = (d1.X - d0.X) * (d2.Y - d0.Y) - (d2.X - d0.X) * (d1.Y - d0.Y);
        if (MathF.Abs(area) < 0.25f) return;
        var x0 = Math.Max(region.X, (int)MathF.Floor(MathF.Min(d0.X, MathF.Min(d1.X, d2.X))));
        var x1 = Math.Min(region.Right - 1, (int)MathF.Ceiling(MathF.Max(d0.X, MathF.Max(d1.X, d2.X))));
        var y0 = Math.Max(region.Y, (int)MathF.Floor(MathF.Min(d0.Y, MathF.Min(d1.Y, d2.Y))));
        var y1 = Math.Min(region.Bottom - 1, (int)MathF.Ceiling(MathF.Max(d0.Y, MathF.Max(d1.Y, d2.Y))));
        var inv = 1f / area;
        const float edge = -1e-4f;
        for (var y = y0; y <= y1; y++)
        {
            var row = image.PixelRow(y - region.Y);
            var cover = coverage.Row(y - region.Y);
            for (var x = x0; x <= x1; x++)
            {
                // Barycentric coordinates of (x, y) in the destination triangle.
                var l1 = ((x - d0.X) * (d2.Y - d0.Y) - (d2.X - d0.X) * (y - d0.Y)) * inv;
                var l2 = ((d1.X - d0.X) * (y - d0.Y) - (x - d0.X) * (d1.Y - d0.Y)) * inv;
                var l0 = 1 - l1 - l2;
                if (l0 < edge || l1 < edge || l2 < edge) continue;
                var s = l0 * s0 + l1 * s1 + l2 * s2;
                var sample = Sample(source, s.X, s.Y);
                row[x - region.X] = sample;
                cover[x - region.X] = sample.A / 255f * weight;
            }
        }
    }

    static Rgba32 Sample(RgbaImage img, float x, float y)
    {
        x = Math.Clamp(x, 0, img.Width - 1);
        y = Math.Clamp(y, 0, img.Height - 1);
        int xi = Math.Min((int)x, img.Width - 2 < 0 ? 0 : img.Width - 2), yi = Math.Min((int)y, img.Height - 2 < 0 ? 0 : img.Height - 2);
        var fx = x - xi;
        var fy = y - yi;
        var x2 = Math.Min(xi + 1, img.Width - 1);
        var y2 = Math.Min(yi + 1, img.Height - 1);
        Rgba32 p00 = img[xi, yi], p10 = img[x2, yi], p01 = img[xi, y2], p11 = img[x2, y2];
        byte Mix(byte a, byte b, byte c, byte d) => (byte)MathF.Round((a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy);
        return new Rgba32(Mix(p00.R, p10.R, p01.R, p11.R), Mix(p00.G, p10.G, p01.G, p11.G), Mix(p00.B, p10.B, p01.B, p11.B), Mix(p00.A, p10.A, p01.A, p11.A));
    }
}
