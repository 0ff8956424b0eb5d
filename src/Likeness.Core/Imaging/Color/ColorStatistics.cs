using System.Numerics;

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
        Compute(img, weights, p => new Vector3(p.R, p.G, p.B));

    /// <summary>CIELAB statistics, each pixel weighted by <paramref name="weights"/> (null = all 1).</summary>
    public static ChannelStatistics Lab(RgbaImage img, FloatPlane? weights = null) =>
        Compute(img, weights, p => CieLab.FromRgb(p).ToVector3());

    static ChannelStatistics Compute(RgbaImage img, FloatPlane? weights, Func<Rgba32, Vector3> value)
    {
        CheckSize(img, weights);
        var pixels = img.Pixels;
        double sw = 0, s0 = 0, s1 = 0, s2 = 0, q0 = 0, q1 = 0, q2 = 0;
        for (int i = 0; i < pixels.Length; i++)
        {
            double w = weights is null ? 1 : weights.Data[i];
            if (!(w > 0)) continue;
            var v = value(pixels[i]);
            sw += w;
            s0 += w * v.X; s1 += w * v.Y; s2 += w * v.Z;
            q0 += w * v.X * v.X; q1 += w * v.Y * v.Y; q2 += w * v.Z * v.Z;
        }
        if (sw <= 0) return default;
        double m0 = s0 / sw, m1 = s1 / sw, m2 = s2 / sw;
        return new ChannelStatistics(
            new Vector3((float)m0, (float)m1, (float)m2),
            new Vector3(Std(q0 / sw, m0), Std(q1 / sw, m1), Std(q2 / sw, m2)),
            sw);
    }

    static float Std(double meanOfSquares, double mean) => (float)Math.Sqrt(Math.Max(0, meanOfSquares - mean * mean));

    internal static void CheckSize(RgbaImage img, FloatPlane? mask)
    {
        if (mask is not null && (mask.Width != img.Width || mask.Height != img.Height))
            throw new ArgumentException($"mask is {mask.Width}x{mask.Height} but the image is {img.Width}x{img.Height}", nameof(mask));
    }
}
