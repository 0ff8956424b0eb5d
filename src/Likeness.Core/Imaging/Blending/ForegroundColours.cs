using Likeness.Imaging.Filters;
using Likeness.Imaging.Transforms;

namespace Likeness.Imaging.Blending;

/// <summary>
/// The person's own colour at the edge of a matte. A hair or a sleeve edge with alpha 0.5 was photographed as half
/// person, half old background; pasted as it is, a bright sky shows as a pale halo around the person in a dark scene.
/// Blur-fusion foreground estimation (Forte and Pitié, "Approximate Fast Foreground Colour Estimation", ICIP 2021): two
/// passes of box-blurred foreground and background estimates, the first wide, the second narrow, then each edge pixel
/// solved for the foreground that, mixed with the local background, gives what the camera saw. Our own code because it
/// is a dozen box blurs (O(1) per pixel in <see cref="Blur.BoxBlur"/>) and no library here offers it.
/// </summary>
public static class ForegroundColours
{
    /// <summary>Radii as a share of the person's longer side: the paper's 90 and 6 pixels for 1–2 megapixel photos.</summary>
    const float WideRadius = 0.06f, NarrowRadius = 0.004f;
    const int WorkingSide = 1024;

    /// <summary>
    /// A copy of <paramref name="image"/> whose colours where 0 &lt; alpha &lt; 1 are the estimated foreground;
    /// elsewhere unchanged. Works inside the matte's bounds only.
    /// </summary>
    public static RgbaImage Estimate(RgbaImage image, FloatPlane alpha)
    {
        if (image.Width != alpha.Width || image.Height != alpha.Height)
            throw new ArgumentException($"image {image.Width}x{image.Height} and matte {alpha.Width}x{alpha.Height} differ in size");
        var result = image.Clone();
        if (alpha.BoundsAbove(0.004f) is not { } bounds) return result;
        var longSide = Math.Max(bounds.Width, bounds.Height);
        var (wide, narrow) = (Math.Max(3, (int)(longSide * WideRadius)), Math.Max(1, (int)MathF.Round(longSide * NarrowRadius)));
        var area = Rect.FromEdges(bounds.X - wide, bounds.Y - wide, bounds.Right + wide, bounds.Bottom + wide).Intersect(new Rect(0, 0, image.Width, image.Height));

        // The blurred foreground and background are smooth fields: on a large photo they are estimated at about
        // 1024 pixels (an 11-megapixel photo took 1 s more at full size), and only the last step, which carries the
        // edge's detail, runs at full resolution, on the edge's pixels alone.
        var factor = Math.Max(1, (int)MathF.Ceiling(Math.Max(area.Width, area.Height) / (float)WorkingSide));
        var (w, h) = (Math.Max(1, area.Width / factor), Math.Max(1, area.Height / factor));
        var smallAlpha = alpha.Crop(area);
        var smallImage = image.Crop(area);
        if (factor > 1) (smallAlpha, smallImage) = (smallAlpha.Resize(w, h, ResizeMethod.Area), smallImage.Resize(w, h, ResizeMethod.Area));
        var small = RgbPlanes.Of(smallImage);
        var (wideSmall, narrowSmall) = (Math.Max(3, wide / factor), Math.Max(1, narrow / factor));
        // Pass one from F = B = the photo; pass two from pass one's foreground and blurred background.
        var (meanF, meanB) = Means(small, small, smallAlpha, wideSmall);
        var firstForeground = new FloatPlane[3];
        for (var c = 0; c < 3; c++) firstForeground[c] = Solve(small[c], smallAlpha, meanF[c], meanB[c]);
        (meanF, meanB) = Means(firstForeground, meanB, smallAlpha, narrowSmall);

        var (sx, sy) = ((float)smallAlpha.Width / area.Width, (float)smallAlpha.Height / area.Height);
        for (var y = 0; y < area.Height; y++)
        {
            var row = result.PixelRow(area.Y + y);
            var alphaRow = alpha.Row(area.Y + y);
            for (var x = 0; x < area.Width; x++)
            {
                var k = alphaRow[area.X + x];
                if (k <= 0.004f || k >= 0.996f) continue;
                var (u, v) = ((x + 0.5f) * sx - 0.5f, (y + 0.5f) * sy - 0.5f);
                ref var p = ref row[area.X + x];
                p = new Rgba32(Solve(p.R, k, meanF[0].Sample(u, v), meanB[0].Sample(u, v)),
                    Solve(p.G, k, meanF[1].Sample(u, v), meanB[1].Sample(u, v)),
                    Solve(p.B, k, meanF[2].Sample(u, v), meanB[2].Sample(u, v)), p.A);
            }
        }
        return result;
    }

    /// <summary>The foreground that, mixed at alpha <paramref name="k"/> with the local background, gives what the camera saw.</summary>
    static float Foreground(float observed, float k, float meanF, float meanB) => meanF + k * (observed - k * meanF - (1 - k) * meanB);

    static byte Solve(float observed, float k, float meanF, float meanB) => Byte(Foreground(observed, k, meanF, meanB));

    /// <summary>Box-blurred foreground and background, each weighted by how much of it a pixel holds (alpha, 1 - alpha).</summary>
    static (FloatPlane[] MeanForeground, FloatPlane[] MeanBackground) Means(FloatPlane[] f, FloatPlane[] b, FloatPlane alpha, int radius)
    {
        const float eps = 1e-5f;
        var blurredAlpha = alpha.BoxBlur(radius);
        var (meanForeground, meanBackground) = (new FloatPlane[3], new FloatPlane[3]);
        var n = alpha.Data.Length;
        for (var c = 0; c < 3; c++)
        {
            var fa = new FloatPlane(alpha.Width, alpha.Height);
            var ba = new FloatPlane(alpha.Width, alpha.Height);
            for (var i = 0; i < n; i++)
            {
                var k = alpha.Data[i];
                fa.Data[i] = f[c].Data[i] * k;
                ba.Data[i] = b[c].Data[i] * (1 - k);
            }
            var (bf, bb) = (fa.BoxBlur(radius), ba.BoxBlur(radius));
            for (var i = 0; i < n; i++)
            {
                bf.Data[i] /= blurredAlpha.Data[i] + eps;
                bb.Data[i] /= 1 - blurredAlpha.Data[i] + eps;
            }
            (meanForeground[c], meanBackground[c]) = (bf, bb);
        }
        return (meanForeground, meanBackground);
    }

    static FloatPlane Solve(FloatPlane observed, FloatPlane alpha, FloatPlane meanF, FloatPlane meanB)
    {
        var f = new FloatPlane(alpha.Width, alpha.Height);
        for (var i = 0; i < f.Data.Length; i++)
            f.Data[i] = Math.Clamp(Foreground(observed.Data[i], alpha.Data[i], meanF.Data[i], meanB.Data[i]), 0, 255);
        return f;
    }

    static byte Byte(float v) => (byte)Math.Clamp(v + 0.5f, 0, 255);
}
