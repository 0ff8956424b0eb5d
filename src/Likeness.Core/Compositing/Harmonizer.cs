using Likeness.Imaging;
using Likeness.Imaging.Blending;
using Likeness.Imaging.Color;

namespace Likeness.Compositing;

/// <summary>
/// Brings the person's colour statistics toward the scene around where they stand: a CIELAB mean/std
/// transfer (Reinhard) applied to the person only. Moving the L mean matches exposure; moving the a/b
/// means matches white balance. Strength 0 leaves the person untouched, 1 matches the statistics fully.
/// </summary>
public static class Harmonizer
{
    // Full std matching can flatten or blow up contrast; the person's own contrast is mostly kept.
    const float ContrastShare = 0.35f;

    /// <summary>Harmonises <paramref name="personLayer"/> (scene-sized, straight alpha) in place toward <paramref name="scene"/>.</summary>
    public static HarmonizeResult Apply(RgbaImage personLayer, RgbaImage scene, float strength)
    {
        if (personLayer.Width != scene.Width || personLayer.Height != scene.Height)
            throw new ArgumentException("the person layer must be scene-sized");
        strength = Math.Clamp(strength, 0, 1);
        var alpha = personLayer.ExtractAlpha();
        var surround = SurroundWeights(alpha);
        int step = personLayer.PixelCount >= 1_000_000 ? 2 : 1;
        var before = ColorStatistics.Lab(personLayer, alpha, step);
        var target = ColorStatistics.Lab(scene, surround, step);
        if (strength == 0 || before.IsEmpty || target.IsEmpty) return new HarmonizeResult(before, target, before);

        // Means move with full strength; standard deviations only partly (see ContrastShare).
        var partialTarget = new ChannelStatistics(target.Mean,
            before.StdDev + (target.StdDev - before.StdDev) * ContrastShare, target.TotalWeight);
        new LabStatisticsTransfer(before, partialTarget, strength).Apply(personLayer, alpha);
        var after = ColorStatistics.Lab(personLayer, alpha, step);
        return new HarmonizeResult(before, target, after);
    }

    /// <summary>Weights for the scene region around the person: a wide band outside the matte, fading with distance.</summary>
    static FloatPlane SurroundWeights(FloatPlane alpha)
    {
        var box = PersonLayout.CutoutBoxOf(alpha) ?? new Rect(0, 0, alpha.Width, alpha.Height);
        var region = box.Inflate(box.Width / 2, box.Height / 4).Intersect(new Rect(0, 0, alpha.Width, alpha.Height));
        var weights = new FloatPlane(alpha.Width, alpha.Height);
        for (int y = region.Y; y < region.Bottom; y++)
        {
            var a = alpha.Row(y);
            var w = weights.Row(y);
            for (int x = region.X; x < region.Right; x++) w[x] = 1 - a[x];
        }
        return weights;
    }
}

public sealed record HarmonizeResult(ChannelStatistics PersonBefore, ChannelStatistics SceneAround, ChannelStatistics PersonAfter);
