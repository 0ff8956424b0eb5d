using Likeness.Imaging;
using Likeness.Imaging.Color;
using Likeness.Imaging.Filters;

namespace Likeness.Tests.Vision;

/// <summary>Measurements on alpha mattes used by the matting tests.</summary>
static class MattingMetrics
{
    /// <summary>1 where a pixel lies within <paramref name="distance"/> px of the alpha = 0.5 contour.</summary>
    public static bool[] NearContour(FloatPlane alpha, int distance)
    {
        var binary = alpha.Threshold(0.5f);
        var grown = binary.Dilate(distance, StructuringElement.Disc);
        var shrunk = binary.Erode(distance, StructuringElement.Disc);
        var near = new bool[alpha.Data.Length];
        for (int i = 0; i < near.Length; i++) near[i] = grown.Data[i] != shrunk.Data[i];
        return near;
    }

    static bool IsSoft(float a) => a > 0.05f && a < 0.95f;

    /// <summary>Among pixels farther than the band from the contour, the fraction that is hard (&lt; 0.05 or &gt; 0.95).</summary>
    public static double HardFractionAwayFromEdges(FloatPlane alpha, bool[] near)
    {
        long far = 0, hard = 0;
        for (int i = 0; i < near.Length; i++)
        {
            if (near[i]) continue;
            far++;
            if (!IsSoft(alpha.Data[i])) hard++;
        }
        return far == 0 ? 1 : (double)hard / far;
    }

    /// <summary>Among soft pixels (0.05..0.95), the fraction that lies in the band near the contour.</summary>
    public static double SoftFractionNearEdges(FloatPlane alpha, bool[] near)
    {
        long soft = 0, inBand = 0;
        for (int i = 0; i < near.Length; i++)
        {
            if (!IsSoft(alpha.Data[i])) continue;
            soft++;
            if (near[i]) inBand++;
        }
        return soft == 0 ? 1 : (double)inBand / soft;
    }

    /// <summary>Mean alpha over a rectangle.</summary>
    public static double Mean(FloatPlane alpha, Rect r)
    {
        double sum = 0;
        for (int y = r.Y; y < r.Bottom; y++)
        for (int x = r.X; x < r.Right; x++) sum += alpha[x, y];
        return sum / (r.Width * r.Height);
    }

    /// <summary>
    /// Pearson correlation, over the band near the contour, between the alpha's gradient magnitude and the photo's
    /// luminance gradient magnitude: a matte whose edges sit on the photo's edges scores higher.
    /// </summary>
    public static double EdgeCorrelation(RgbaImage photo, FloatPlane alpha, bool[] near)
    {
        var grey = photo.ToGray();
        int w = photo.Width, h = photo.Height;
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        long n = 0;
        for (int y = 1; y < h - 1; y++)
        for (int x = 1; x < w - 1; x++)
        {
            int i = y * w + x;
            if (!near[i]) continue;
            double gi = Gradient(grey, x, y), ga = Gradient(alpha, x, y);
            sx += gi; sy += ga; sxx += gi * gi; syy += ga * ga; sxy += gi * ga;
            n++;
        }
        double cov = sxy / n - sx / n * (sy / n);
        double vx = sxx / n - sx / n * (sx / n), vy = syy / n - sy / n * (sy / n);
        return cov / Math.Sqrt(vx * vy);
    }

    /// <summary>Soft pixels per contour pixel: how many pixels wide the transition from 0 to 1 is on average.</summary>
    public static double TransitionWidth(FloatPlane alpha)
    {
        long soft = 0, contour = 0;
        int w = alpha.Width, h = alpha.Height;
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            float a = alpha[x, y];
            if (IsSoft(a)) soft++;
            bool inside = a >= 0.5f;
            if ((x + 1 < w && (alpha[x + 1, y] >= 0.5f) != inside) || (y + 1 < h && (alpha[x, y + 1] >= 0.5f) != inside)) contour++;
        }
        return contour == 0 ? 0 : (double)soft / contour;
    }

    /// <summary>Intersection over union of the two mattes' alpha >= 0.5 regions.</summary>
    public static double IntersectionOverUnion(FloatPlane a, FloatPlane b)
    {
        long inter = 0, union = 0;
        for (int i = 0; i < a.Data.Length; i++)
        {
            bool x = a.Data[i] >= 0.5f, y = b.Data[i] >= 0.5f;
            if (x && y) inter++;
            if (x || y) union++;
        }
        return union == 0 ? 1 : (double)inter / union;
    }

    static double Gradient(FloatPlane p, int x, int y)
    {
        double gx = p[x + 1, y] - p[x - 1, y], gy = p[x, y + 1] - p[x, y - 1];
        return Math.Sqrt(gx * gx + gy * gy);
    }
}
