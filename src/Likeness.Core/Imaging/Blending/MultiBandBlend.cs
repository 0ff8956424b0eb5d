using Likeness.Imaging.Filters;
using Likeness.Imaging.Transforms;

namespace Likeness.Imaging.Blending;

/// <summary>
/// Laplacian-pyramid (multi-band) blending, Burt &amp; Adelson: each frequency band is mixed with the mask blurred to
/// that band's scale, so low frequencies (skin tone, shading) blend over a wide seam and fine detail over a narrow
/// one: no visible edge, no ghosted double contours.
/// </summary>
public static class MultiBandBlend
{
    /// <summary>Blends <paramref name="foreground"/> over <paramref name="background"/> (same size) where <paramref name="mask"/> is 1.</summary>
    public static RgbaImage Blend(RgbaImage background, RgbaImage foreground, FloatPlane mask, int levels = 5)
    {
        if (background.Width != foreground.Width || background.Height != foreground.Height || mask.Width != background.Width || mask.Height != background.Height)
            throw new ArgumentException("Multi-band blending needs the two images and the mask at the same size.");
        levels = Math.Max(1, Math.Min(levels, (int)Math.Log2(Math.Max(2, Math.Min(background.Width, background.Height) / 4))));
        var masks = GaussianPyramid(mask, levels);
        var result = new RgbaImage(background.Width, background.Height);
        var outPixels = result.Pixels;
        var bgChannels = RgbPlanes.Of(background);
        var fgChannels = RgbPlanes.Of(foreground);
        for (var c = 0; c < 3; c++)
        {
            var bg = LaplacianPyramid(bgChannels[c], levels);
            var fg = LaplacianPyramid(fgChannels[c], levels);
            var blended = new FloatPlane[levels];
            for (var l = 0; l < levels; l++)
            {
                var m = masks[l].Data;
                var plane = new FloatPlane(bg[l].Width, bg[l].Height);
                var (a, b, o) = (bg[l].Data, fg[l].Data, plane.Data);
                for (var i = 0; i < o.Length; i++) o[i] = a[i] + (b[i] - a[i]) * m[i];
                blended[l] = plane;
            }
            var collapsed = Collapse(blended);
            var data = collapsed.Data;
            for (var i = 0; i < data.Length; i++)
            {
                var v = (byte)Math.Clamp(MathF.Round(data[i]), 0, 255);
                ref var p = ref outPixels[i];
                if (c == 0) p.R = v; else if (c == 1) p.G = v; else { p.B = v; p.A = 255; }
            }
        }
        return result;
    }

    static FloatPlane Down(FloatPlane p) => p.GaussianBlur(1f).Resize(Math.Max(1, (p.Width + 1) / 2), Math.Max(1, (p.Height + 1) / 2), ResizeMethod.Bilinear);

    static FloatPlane Up(FloatPlane p, int width, int height) => p.Resize(width, height, ResizeMethod.Bilinear);

    static FloatPlane[] GaussianPyramid(FloatPlane p, int levels)
    {
        var pyramid = new FloatPlane[levels];
        pyramid[0] = p;
        for (var l = 1; l < levels; l++) pyramid[l] = Down(pyramid[l - 1]);
        return pyramid;
    }

    static FloatPlane[] LaplacianPyramid(FloatPlane p, int levels)
    {
        var gaussian = GaussianPyramid(p, levels);
        var laplacian = new FloatPlane[levels];
        for (var l = 0; l < levels - 1; l++)
        {
            var up = Up(gaussian[l + 1], gaussian[l].Width, gaussian[l].Height);
            var band = new FloatPlane(gaussian[l].Width, gaussian[l].Height);
            for (var i = 0; i < band.Data.Length; i++) band.Data[i] = gaussian[l].Data[i] - up.Data[i];
            laplacian[l] = band;
        }
        laplacian[levels - 1] = gaussian[levels - 1];
        return laplacian;
    }

    static FloatPlane Collapse(FloatPlane[] pyramid)
    {
        var current = pyramid[^1];
        for (var l = pyramid.Length - 2; l >= 0; l--)
        {
            var up = Up(current, pyramid[l].Width, pyramid[l].Height);
            for (var i = 0; i < up.Data.Length; i++) up.Data[i] += pyramid[l].Data[i];
            current = up;
        }
        return current;
    }
}
