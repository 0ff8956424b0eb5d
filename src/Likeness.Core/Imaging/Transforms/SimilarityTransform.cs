using System.Numerics;

namespace Likeness.Imaging.Transforms;

public static class SimilarityTransform
{
    /// <summary>
    /// Least-squares similarity (uniform scale, rotation, translation; no reflection) mapping
    /// <paramref name="src"/> onto <paramref name="dst"/>, as Umeyama's method gives (skimage
    /// SimilarityTransform.estimate). Used to align 5 face landmarks to the ArcFace template.
    /// </summary>
    /// <remarks>
    /// In 2D a similarity without reflection is <c>[a -b; b a]</c> plus translation, and the error is
    /// quadratic in (a, b), so the optimum has a closed form: no SVD needed.
    /// </remarks>
    public static AffineTransform Estimate(ReadOnlySpan<Vector2> src, ReadOnlySpan<Vector2> dst)
    {
        if (src.Length != dst.Length) throw new ArgumentException($"{src.Length} source points but {dst.Length} targets");
        if (src.Length < 2) throw new ArgumentException("need at least two point pairs", nameof(src));

        double sx = 0, sy = 0, dx = 0, dy = 0;
        for (int i = 0; i < src.Length; i++)
        {
            sx += src[i].X; sy += src[i].Y;
            dx += dst[i].X; dy += dst[i].Y;
        }
        int n = src.Length;
        sx /= n; sy /= n; dx /= n; dy /= n;

        double dot = 0, cross = 0, norm = 0;
        for (int i = 0; i < n; i++)
        {
            double px = src[i].X - sx, py = src[i].Y - sy;
            double qx = dst[i].X - dx, qy = dst[i].Y - dy;
            dot += px * qx + py * qy;
            cross += px * qy - py * qx;
            norm += px * px + py * py;
        }
        if (norm < 1e-12) throw new ArgumentException("source points all coincide", nameof(src));

        double a = dot / norm, b = cross / norm;
        return new(a, -b, dx - (a * sx - b * sy), b, a, dy - (b * sx + a * sy));
    }
}
