using System.Numerics;
using Likeness.Imaging.Internal;

namespace Likeness.Imaging.Color;

/// <summary>
/// Reinhard et al. colour transfer in CIELAB: shifts and scales each channel so the source statistics
/// move toward the target's. At strength 1 the source mean becomes the target mean exactly and the
/// spread matches; strength 0 changes nothing.
/// </summary>
public sealed class LabStatisticsTransfer
{
    readonly Vector3 _sourceMean, _gain, _targetMean;

    public LabStatisticsTransfer(ChannelStatistics source, ChannelStatistics target, float strength = 1f)
    {
        strength = Math.Clamp(strength, 0f, 1f);
        _sourceMean = source.Mean;
        var ratio = new Vector3(Ratio(target.StdDev.X, source.StdDev.X), Ratio(target.StdDev.Y, source.StdDev.Y), Ratio(target.StdDev.Z, source.StdDev.Z));
        _gain = Vector3.Lerp(Vector3.One, ratio, strength);
        _targetMean = Vector3.Lerp(source.Mean, target.Mean, strength);
    }

    /// <summary>Where one colour goes.</summary>
    public Lab Map(Lab c) => Lab.FromVector3((c.ToVector3() - _sourceMean) * _gain + _targetMean);

    /// <summary>Recolours, in place, every pixel where <paramref name="mask"/> is above zero (all pixels when null). Alpha is kept.</summary>
    public void Apply(RgbaImage img, FloatPlane? mask = null)
    {
        ColorStatistics.CheckSize(img, mask);
        ParallelRows.For(img.Height, img.PixelCount, (first, end) =>
        {
            for (int y = first; y < end; y++)
            {
                var row = img.PixelRow(y);
                var m = mask is null ? default : mask.Row(y);
                for (int x = 0; x < row.Length; x++)
                {
                    if (mask is not null && !(m[x] > 0)) continue;
                    var p = row[x];
                    row[x] = CieLab.ToRgb(Map(CieLab.FromRgb(p)), p.A);
                }
            }
        });
    }

    /// <summary>
    /// Harmonises the masked region of <paramref name="img"/> (in place) toward the colour statistics of
    /// <paramref name="reference"/> (optionally only its <paramref name="referenceMask"/> area).
    /// </summary>
    public static void Apply(RgbaImage img, FloatPlane? mask, RgbaImage reference, FloatPlane? referenceMask, float strength = 1f)
    {
        var source = ColorStatistics.Lab(img, mask);
        var target = ColorStatistics.Lab(reference, referenceMask);
        if (source.IsEmpty || target.IsEmpty) return;
        new LabStatisticsTransfer(source, target, strength).Apply(img, mask);
    }

    // A flat source channel cannot be stretched into a spread; leave its contrast alone.
    static float Ratio(float target, float source) => source > 1e-6f ? target / source : 1f;
}
