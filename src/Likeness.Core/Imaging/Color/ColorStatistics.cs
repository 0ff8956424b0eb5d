using System.Numerics;
using Likeness.Imaging.Internal;

namespace Likeness.Imaging.Color;

/// <summary>Per-channel weighted mean and (population) standard deviation.</summary>
public readonly record struct ChannelStatistics(Vector3 Mean, Vector3 StdDev, double TotalWeight)
{
    public bool IsEmpty => TotalWeight <= 0;
}

public static class ColorStatistics
{
    /// <summary>RGB statistics in 0..255, each pixel weighted by <paramref name="weights"/> (e.g. a mask; null = all 1).</summary>
    public static ChannelStatistics Rgb(RgbaImage img, FloatPlane? weights = null) =>
        Compute(img, weights, p => new Vector3(p.R, p.G, p.B), 1);

    /// <summary>CIELAB statistics, each pixel weighted by <paramref name="weights"/> (null = all 1).</summary>
    /// <param name="step">Sample every step-th pixel of every step-th row: on megapixel images the statistics barely move, the cost drops by step².</param>
    public static ChannelStatistics Lab(RgbaImage img, FloatPlane? weights = null, int step = 1) =>
        Compute(img, weights, p => CieLab.FromRgb(p).ToVector3(), step);

    static ChannelStatistics Compute(RgbaImage img, FloatPlane? weights, Func<Rgba32, Vector3> value, int step)
    {
        step = Math.Max(1, step);
        CheckSize(img, weights);
        var total = new double[7];
        ParallelRows.For(img.Height, img.PixelCount, (first, end) =>
        {
            double sw = 0, s0 = 0, s1 = 0, s2 = 0, q0 = 0, q1 = 0, q2 = 0;
            for (int y = (first + step - 1) / step * step; y < end; y += step)
            {
                var row = img.PixelRow(y);
                var wr = weights is null ? default : weights.Row(y);
                for (int x = 0; x < row.Length; x += step)
                {
                    double w = weights is null ? 1 : wr[x];
                    if (!(w > 0)) continue;
                    var v = value(row[x]);
                    sw += w;
                    s0 += w * v.X; s1 += w * v.Y; s2 += w * v.Z;
                    q0 += w * v.X * v.X; q1 += w * v.Y * v.Y; q2 += w * v.Z * v.Z;
                }
            }
            lock (total)
            {
                total[0] += sw; total[1] += s0; total[2] += s1; total[3] += s2; total[4] += q0; total[5] += q1; total[6] += q2;
            }
        });
        double sumW = total[0];
        if (sumW <= 0) return default;
        double m0 = total[1] / sumW, m1 = total[2] / sumW, m2 = total[3] / sumW;
        return new ChannelStatistics(
            new Vector3((float)m0, (float)m1, (float)m2),
            new Vector3(Std(total[4] / sumW, m0), Std(total[5] / sumW, m1), Std(total[6] / sumW, m2)),
            sumW);
    }

    static float Std(double meanOfSquares, double mean) => (float)Math.Sqrt(Math.Max(0, meanOfSquares - mean * mean));

    internal static void CheckSize(RgbaImage img, FloatPlane? mask)
    {
        if (mask is not null && (mask.Width != img.Width || mask.Height != img.Height))
            throw new ArgumentException($"mask is {mask.Width}x{mask.Height} but the image is {img.Width}x{img.Height}", nameof(mask));
    }
}
