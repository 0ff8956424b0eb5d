using Likeness.Imaging;
using Likeness.Imaging.Filters;
using Likeness.Imaging.Transforms;

namespace Likeness.Compositing;

public sealed record ShadowOptions
{
    public bool Enabled { get; init; } = true;
    /// <summary>Darkness where the shadow is full, 0..1.</summary>
    public float Opacity { get; init; } = 0.45f;
    /// <summary>Direction the light throws the shadow, degrees clockwise from the +x axis (90 = straight down).</summary>
    public float DirectionDegrees { get; init; } = 60;
    /// <summary>Offset length as a fraction of the person's height in the scene.</summary>
    public float Length { get; init; } = 0.03f;
    /// <summary>Blur as a fraction of the person's height in the scene.</summary>
    public float Softness { get; init; } = 0.025f;
}

/// <summary>A soft drop shadow derived from the matte, darkening the scene behind and beside the person.</summary>
public static class ShadowRenderer
{
    public static void Apply(RgbaImage scene, FloatPlane personAlpha, ShadowOptions options)
    {
        if (!options.Enabled || options.Opacity <= 0) return;
        var box = PersonLayout.CutoutBoxOf(personAlpha);
        if (box is null) return;
        float height = box.Value.Height;
        double angle = options.DirectionDegrees * Math.PI / 180;
        double dx = Math.Cos(angle) * options.Length * height, dy = Math.Sin(angle) * options.Length * height;
        var shifted = personAlpha.WarpAffine(AffineTransform.Translation(dx, dy), scene.Width, scene.Height, Imaging.BorderMode.Replicate);
        var shadow = shifted.GaussianBlur(Math.Max(0.5f, options.Softness * height));
        var d = scene.Data;
        for (int i = 0; i < shadow.Data.Length; i++)
        {
            float k = 1 - options.Opacity * shadow.Data[i];
            if (k >= 1) continue;
            int o = i * 4;
            d[o] = (byte)(d[o] * k + 0.5f);
            d[o + 1] = (byte)(d[o + 1] * k + 0.5f);
            d[o + 2] = (byte)(d[o + 2] * k + 0.5f);
        }
    }
}
