using Likeness.Imaging;
using Likeness.Imaging.Blending;
using Likeness.Imaging.Transforms;

namespace Likeness.Compositing;

public sealed record CompositeOptions
{
    /// <summary>How far the person's colour statistics move toward the scene's, 0..1.</summary>
    public float Harmonize { get; init; } = DefaultHarmonize;
    public const float DefaultHarmonize = 0.5f;
    /// <summary>Light-wrap strength 0..1; its radius scales with the person's height in the scene.</summary>
    public float LightWrap { get; init; } = 0.35f;
    public ShadowOptions Shadow { get; init; } = new();
    /// <summary>Blend edges in linear light (physically right; avoids dark fringes).</summary>
    public bool LinearLight { get; init; } = true;
    /// <summary>Replace the colours of the matte's soft edge by the person's own (<see cref="ForegroundColours"/>): no halo of the old background.</summary>
    public bool EdgeColours { get; init; } = true;
}

public sealed record CompositeResult(RgbaImage Image, FloatPlane PersonMask, HarmonizeResult Harmonization);

/// <summary>Puts a matted person into a scene: warp to the placement, shadow, harmonise, light wrap, blend.</summary>
public static class Compositor
{
    public static CompositeResult Render(RgbaImage scene, RgbaImage person, FloatPlane alpha, Placement placement, CompositeOptions? options = null)
    {
        options ??= new CompositeOptions();
        if (person.Width != alpha.Width || person.Height != alpha.Height)
            throw new ArgumentException($"person photo {person.Width}x{person.Height} and matte {alpha.Width}x{alpha.Height} differ in size");

        var cutout = options.EdgeColours ? ForegroundColours.Estimate(person, alpha) : person.Clone();
        cutout.SetAlpha(alpha);
        var layer = cutout.WarpAffine(placement.PersonToScene, scene.Width, scene.Height, BorderMode.Constant, new Rgba32(0, 0, 0, 0));
        var mask = layer.ExtractAlpha();

        var output = scene.Clone();
        ShadowRenderer.Apply(output, mask, options.Shadow);
        var harmonized = Harmonizer.Apply(layer, scene, options.Harmonize);
        float heightInScene = (float)(placement.Position.Scale * scene.Height);
        LightWrap.Apply(layer, scene, Math.Max(1, heightInScene * 0.01f), options.LightWrap);
        output.AlphaBlend(layer, 0, 0, 1f, options.LinearLight);
        return new CompositeResult(output, mask, harmonized);
    }

    /// <summary>Replaces the background of the person photo itself (solid colour or an image, cover-fitted).</summary>
    public static RgbaImage ReplaceBackground(RgbaImage person, FloatPlane alpha, RgbaImage background, bool linearLight = true, bool edgeColours = true)
    {
        var fitted = background.Width == person.Width && background.Height == person.Height
            ? background.Clone()
            : ExportPresets.Cover(background, person.Width, person.Height, null);
        var cutout = edgeColours ? ForegroundColours.Estimate(person, alpha) : person.Clone();
        cutout.SetAlpha(alpha);
        fitted.AlphaBlend(cutout, 0, 0, 1f, linearLight);
        return fitted;
    }
}
