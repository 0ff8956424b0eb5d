using Likeness.Imaging;
using Likeness.Imaging.Filters;
using Likeness.Imaging.Transforms;

namespace Likeness.Compositing;

public sealed record ShadowOptions
{
    public bool Enabled { get; init; } = true;
    /// <summary>Darkness where the shadow is full, 0..1.</summary>
    public float Opacity { get; init; } = DefaultOpacity;
    public const float DefaultOpacity = 0.45f;
    /// <summary>Direction the light throws the shadow, degrees clockwise from the +x axis (90 = straight down).</summary>
    public float DirectionDegrees { get; init; } = DefaultDirectionDegrees;
    public const float DefaultDirectionDegrees = 60;
    /// <summary>Offset length as a fraction of the person's height in the scene.</summary>
    public float Length { get; init; } = 0.03f;
    /// <summary>Blur as a fraction of the person's height in the scene.</summary>
    public float Softness { get; init; } = DefaultSoftness;
    public const float DefaultSoftness = 0.025f;
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
        float sigma = Math.Max(0.5f, options.Softness * height);

        // The shadow is zero beyond one kernel radius of the (shifted) matte, so only that window is
        // warped and blurred (at a reduced resolution: the shadow is soft); the result is the same as for the whole scene. The unshifted box is included
        // because the replicated border can carry the matte of a person cut by the frame edge.
        var full = new Rect(0, 0, scene.Width, scene.Height);
        var any = PersonLayout.CutoutBoxOf(personAlpha, threshold: 0)!.Value;
        var moved = new Rect(any.X + (int)Math.Floor(dx) - 1, any.Y + (int)Math.Floor(dy) - 1, any.Width + 3, any.Height + 3);
        int radius = Blur.DownsampledReach(sigma);
        var window = Union(any, moved).Inflate(radius, radius).Intersect(full);
        if (window.IsEmpty) return;
        var shifted = personAlpha.WarpAffine(AffineTransform.Translation(dx - window.X, dy - window.Y), window.Width, window.Height, Imaging.BorderMode.Replicate);
        var shadow = shifted.GaussianBlurDownsampled(sigma);
        for (int y = 0; y < window.Height; y++)
        {
            var d = scene.Row(window.Y + y);
            var sh = shadow.Row(y);
            for (int x = 0; x < window.Width; x++)
            {
                float k = 1 - options.Opacity * sh[x];
                if (k >= 1) continue;
                int o = (window.X + x) * 4;
                d[o] = (byte)(d[o] * k + 0.5f);
                d[o + 1] = (byte)(d[o + 1] * k + 0.5f);
                d[o + 2] = (byte)(d[o + 2] * k + 0.5f);
            }
        }
    }

    static Rect Union(Rect a, Rect b) => Rect.FromEdges(Math.Min(a.X, b.X), Math.Min(a.Y, b.Y), Math.Max(a.Right, b.Right), Math.Max(a.Bottom, b.Bottom));
}
