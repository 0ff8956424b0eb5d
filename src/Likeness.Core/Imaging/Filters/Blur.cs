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
