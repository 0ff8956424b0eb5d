using Likeness.Imaging.Transforms;
using Likeness.Imaging.Internal;

namespace Likeness.Imaging.Filters;

public static class Blur
{
    /// <summary>Normalised 1D Gaussian with radius ceil(3 sigma); a single 1 for sigma &lt;= 0.</summary>
    public static float[] GaussianKernel(float sigma)
    {
        if (!(sigma > 0)) return [1f];
        int radius = (int)MathF.Ceiling(3 * sigma);
        var k = new float[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) sum += k[i + radius] = (float)Math.Exp(-(double)i * i / (2.0 * sigma * sigma));
        for (int i = 0; i < k.Length; i++) k[i] = (float)(k[i] / sum);
        return k;
    }

    /// <summary>Separable Gaussian blur with edge pixels replicated beyond the border.</summary>
    public static FloatPlane GaussianBlur(this FloatPlane plane, float sigma)
    {
        if (!(sigma > 0)) return plane.Clone();
        var kernel = GaussianKernel(sigma);
        var dst = new FloatPlane(plane.Width, plane.Height);
        SeparablePass.Run(plane.Width, plane.Width, Taps.Convolution(plane.Height, kernel),
            (y, row) => plane.Row(y).CopyTo(row),
            SeparablePass.Convolve(kernel, plane.Width, 1),
            (y, row) => row.CopyTo(dst.Row(y)));
        return dst;
    }

    /// <summary>
    /// Separable Gaussian blur of all four channels. With <paramref name="premultiplyAlpha"/> colour is weighted
    /// by alpha, so transparent pixels do not darken or tint their neighbours.
    /// </summary>
    public static RgbaImage GaussianBlur(this RgbaImage img, float sigma, bool premultiplyAlpha = true)
    {
        if (!(sigma > 0)) return img.Clone();
        var kernel = GaussianKernel(sigma);
        bool premultiply = premultiplyAlpha && !img.IsOpaque();
        var dst = new RgbaImage(img.Width, img.Height);
        SeparablePass.Run(img.Stride, img.Stride, Taps.Convolution(img.Height, kernel),
            (y, row) => PixelRows.ToFloat(img.Row(y), row, premultiply),
            SeparablePass.Convolve(kernel, img.Width, 4),
            (y, row) => PixelRows.ToBytes(row, dst.Row(y), premultiply));
        return dst;
    }

    /// <summary>How far a <see cref="GaussianBlurDownsampled(FloatPlane, float, float)"/> of <paramref name="sigma"/> reaches:
    /// 3 sigma, plus the reduced-resolution blur's spread, plus a pixel each side.</summary>
    public static int DownsampledReach(float sigma) => (int)MathF.Ceiling(3 * sigma + 2 * sigma / 3) + 2;

    /// <summary>
    /// A wide Gaussian blur computed at a reduced resolution: area-downscale so the kernel is at most
    /// <paramref name="maxSigma"/> there, blur, and bilinearly scale back. For soft effects (shadows, light wrap)
    /// it looks the same as the exact blur and costs about as much as two resizes, whatever the sigma.
    /// </summary>
    public static FloatPlane GaussianBlurDownsampled(this FloatPlane plane, float sigma, float maxSigma = 3)
    {
        int f = Factor(sigma, maxSigma);
        if (f <= 1) return plane.GaussianBlur(sigma);
        var small = plane.Resize(Math.Max(1, plane.Width / f), Math.Max(1, plane.Height / f), ResizeMethod.Area);
        return small.GaussianBlur(ReducedSigma(sigma, f)).Resize(plane.Width, plane.Height);
    }

    /// <inheritdoc cref="GaussianBlurDownsampled(FloatPlane, float, float)"/>
    public static RgbaImage GaussianBlurDownsampled(this RgbaImage img, float sigma, float maxSigma = 3)
    {
        int f = Factor(sigma, maxSigma);
        if (f <= 1) return img.GaussianBlur(sigma);
        var small = img.Resize(Math.Max(1, img.Width / f), Math.Max(1, img.Height / f), ResizeMethod.Area);
        return small.GaussianBlur(ReducedSigma(sigma, f)).Resize(img.Width, img.Height);
    }

    static int Factor(float sigma, float maxSigma) => sigma > maxSigma ? (int)MathF.Ceiling(sigma / maxSigma) : 1;

    // Area averaging and bilinear upsampling each blur by about a pixel of the small grid; the Gaussian takes the rest.
    static float ReducedSigma(float sigma, int f) => MathF.Sqrt(MathF.Max(sigma * sigma - f * f / 4f, 0.25f * f * f)) / f;

    /// <summary>
    /// Mean over the (2r+1) x (2r+1) window, clipped at the borders (each output averages only the pixels
    /// that exist, as in He et al.'s guided filter). Running sums make it O(1) per pixel for any radius.
    /// </summary>
    public static FloatPlane BoxBlur(this FloatPlane plane, int radius)
    {
        if (radius <= 0) return plane.Clone();
        int w = plane.Width, h = plane.Height;
        var src = plane.Data;
        var rowSums = new float[w * h];

        ParallelRows.For(h, (long)w * h, (first, end) =>
        {
            for (int y = first; y < end; y++)
            {
                var row = src.AsSpan(y * w, w);
                var o = rowSums.AsSpan(y * w, w);
                double s = 0;
                for (int x = 0; x <= Math.Min(radius, w - 1); x++) s += row[x];
                for (int x = 0; x < w; x++)
                {
                    o[x] = (float)s;
                    if (x + radius + 1 < w) s += row[x + radius + 1];
                    if (x - radius >= 0) s -= row[x - radius];
                }
            }
        });

        var dst = new FloatPlane(w, h);
        // Vertical running sums, split into column bands so workers never share a sum.
        ParallelRows.For(w, (long)w * h, (left, right) =>
        {
            int n = right - left;
            var columns = new double[n];
            var counts = new int[n];
            for (int x = 0; x < n; x++) counts[x] = WindowCount(left + x, radius, w);
            for (int y = 0; y <= Math.Min(radius, h - 1); y++) Accumulate(columns, rowSums.AsSpan(y * w + left, n), 1);
            for (int y = 0; y < h; y++)
            {
                int rows = WindowCount(y, radius, h);
                var o = dst.Data.AsSpan(y * w + left, n);
                for (int x = 0; x < n; x++) o[x] = (float)(columns[x] / (rows * counts[x]));
                if (y + radius + 1 < h) Accumulate(columns, rowSums.AsSpan((y + radius + 1) * w + left, n), 1);
                if (y - radius >= 0) Accumulate(columns, rowSums.AsSpan((y - radius) * w + left, n), -1);
            }
        });
        return dst;
    }

    static int WindowCount(int i, int radius, int size) => Math.Min(i + radius, size - 1) - Math.Max(i - radius, 0) + 1;

    static void Accumulate(double[] sums, ReadOnlySpan<float> row, int sign)
    {
        for (int x = 0; x < sums.Length; x++) sums[x] += sign * row[x];
    }
}
