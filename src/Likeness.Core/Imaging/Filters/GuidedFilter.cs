using System.Numerics.Tensors;
using Likeness.Imaging.Color;
using Likeness.Imaging.Internal;
using Likeness.Imaging.Transforms;

namespace Likeness.Imaging.Filters;

/// <summary>
/// He, Sun and Tang's guided filter: smooths <c>input</c> while following the edges of <c>guide</c>.
/// Guides are read in 0..1 (RGBA bytes / 255), so <c>eps</c> is on that scale (typically 1e-4 .. 1e-2).
/// Window means are clipped at the image border.
/// </summary>
public static class GuidedFilter
{
    /// <summary>Grey guide, same size as the input.</summary>
    public static FloatPlane Apply(FloatPlane guide, FloatPlane input, int radius, float eps)
    {
        CheckSameSize(guide, input);
        var (a, b) = GreyCoefficients(guide, input, radius, eps);
        return Combine([guide], [a], b);
    }

    /// <summary>Colour guide (He et al. eq. 14): edges of any hue guide the output, not only luminance edges.</summary>
    public static FloatPlane Apply(RgbaImage guide, FloatPlane input, int radius, float eps)
    {
        var (r, g, b) = guide.SplitRgb();
        CheckSameSize(r, input);
        var (a, offset) = ColorCoefficients(r, g, b, input, radius, eps);
        return Combine([r, g, b], a, offset);
    }

    /// <summary>
    /// Fast guided filter (He and Sun 2015): brings a low-resolution <paramref name="lowRes"/> (e.g. a matting
    /// model's alpha over the same view) up to the guide's full size. The linear coefficients are solved at low
    /// resolution, upsampled bilinearly, then applied to the full-resolution guide, so edges follow the photo.
    /// </summary>
    /// <param name="radius">Window radius in full-resolution pixels.</param>
    public static FloatPlane Upsample(RgbaImage guide, FloatPlane lowRes, int radius, float eps)
    {
        if (guide.Width == lowRes.Width && guide.Height == lowRes.Height) return Apply(guide, lowRes, radius, eps);
        var small = guide.Resize(lowRes.Width, lowRes.Height, ResizeMethod.Area, premultiplyAlpha: false).SplitRgb();
        var (a, b) = ColorCoefficients(small.R, small.G, small.B, lowRes, LowResRadius(radius, guide.Width, lowRes.Width), eps);
        return UpsampleAndApply(Interleave(a[0], a[1], a[2], b), lowRes.Width, guide.Width, guide.Height, (y, coef, q) =>
        {
            var g = guide.Row(y);
            for (int x = 0, i = 0; x < q.Length; x++, i += 4)
                q[x] = (coef[i] * g[i] + coef[i + 1] * g[i + 1] + coef[i + 2] * g[i + 2]) * (1f / 255f) + coef[i + 3];
        });
    }

    /// <inheritdoc cref="Upsample(RgbaImage, FloatPlane, int, float)"/>
    public static FloatPlane Upsample(FloatPlane guide, FloatPlane lowRes, int radius, float eps)
    {
        if (guide.Width == lowRes.Width && guide.Height == lowRes.Height) return Apply(guide, lowRes, radius, eps);
        var small = guide.Resize(lowRes.Width, lowRes.Height, ResizeMethod.Area);
        var (a, b) = GreyCoefficients(small, lowRes, LowResRadius(radius, guide.Width, lowRes.Width), eps);
        var unused = new FloatPlane(lowRes.Width, lowRes.Height);
        return UpsampleAndApply(Interleave(a, unused, unused, b), lowRes.Width, guide.Width, guide.Height, (y, coef, q) =>
        {
            var g = guide.Row(y);
            for (int x = 0; x < q.Length; x++) q[x] = coef[4 * x] * g[x] + coef[4 * x + 3];
        });
    }

    delegate void ApplyRow(int y, ReadOnlySpan<float> coefficients, Span<float> output);

    /// <summary>
    /// Bilinearly enlarges interleaved (a, a, a, b) coefficient rows and turns each into an output row at once,
    /// so no full-resolution coefficient planes are ever stored.
    /// </summary>
    static FloatPlane UpsampleAndApply(float[] coefficients, int lowWidth, int width, int height, ApplyRow apply)
    {
        var q = new FloatPlane(width, height);
        int lowHeight = coefficients.Length / (4 * lowWidth);
        var horizontal = Taps.Linear(lowWidth, width);
        SeparablePass.Run(4 * lowWidth, 4 * width, Taps.Linear(lowHeight, height),
            (y, row) => coefficients.AsSpan(y * 4 * lowWidth, 4 * lowWidth).CopyTo(row),
            () => SeparablePass.Gather(horizontal, 4),
            (y, row) => apply(y, row, q.Row(y)));
        return q;
    }

    static float[] Interleave(FloatPlane c0, FloatPlane c1, FloatPlane c2, FloatPlane c3)
    {
        var d = new float[c0.Data.Length * 4];
        for (int i = 0; i < c0.Data.Length; i++)
        {
            d[4 * i] = c0.Data[i];
            d[4 * i + 1] = c1.Data[i];
            d[4 * i + 2] = c2.Data[i];
            d[4 * i + 3] = c3.Data[i];
        }
        return d;
    }

    /// <summary>Window means of a and b for q = a I + b.</summary>
    static (FloatPlane A, FloatPlane B) GreyCoefficients(FloatPlane guide, FloatPlane p, int r, float eps)
    {
        var meanI = guide.BoxBlur(r);
        var meanP = p.BoxBlur(r);
        var meanII = Product(guide, guide).BoxBlur(r);
        var meanIp = Product(guide, p).BoxBlur(r);
        int n = p.Data.Length;
        var a = new FloatPlane(p.Width, p.Height);
        var b = new FloatPlane(p.Width, p.Height);
        for (int i = 0; i < n; i++)
        {
            float mi = meanI.Data[i], mp = meanP.Data[i];
            float ai = (meanIp.Data[i] - mi * mp) / (meanII.Data[i] - mi * mi + eps);
            a.Data[i] = ai;
            b.Data[i] = mp - ai * mi;
        }
        return (a.BoxBlur(r), b.BoxBlur(r));
    }

    static (FloatPlane[] A, FloatPlane B) ColorCoefficients(FloatPlane r, FloatPlane g, FloatPlane b, FloatPlane p, int radius, float eps)
    {
        FloatPlane Mean(FloatPlane x) => x.BoxBlur(radius);
        FloatPlane[] guide = [r, g, b];
        var mean = guide.Select(Mean).ToArray();
        var meanP = Mean(p);
        var meanIp = guide.Select(c => Mean(Product(c, p))).ToArray();
        FloatPlane rr = Mean(Product(r, r)), rg = Mean(Product(r, g)), rb = Mean(Product(r, b));
        FloatPlane gg = Mean(Product(g, g)), gb = Mean(Product(g, b)), bb = Mean(Product(b, b));

        int w = p.Width, h = p.Height;
        var a = new[] { new FloatPlane(w, h), new FloatPlane(w, h), new FloatPlane(w, h) };
        var offset = new FloatPlane(w, h);
        for (int i = 0; i < p.Data.Length; i++)
        {
            double mr = mean[0].Data[i], mg = mean[1].Data[i], mb = mean[2].Data[i], mp = meanP.Data[i];
            // Covariance of the guide colours (plus eps on the diagonal) and of guide with input.
            double srr = rr.Data[i] - mr * mr + eps, srg = rg.Data[i] - mr * mg, srb = rb.Data[i] - mr * mb;
            double sgg = gg.Data[i] - mg * mg + eps, sgb = gb.Data[i] - mg * mb, sbb = bb.Data[i] - mb * mb + eps;
            double cr = meanIp[0].Data[i] - mr * mp, cg = meanIp[1].Data[i] - mg * mp, cb = meanIp[2].Data[i] - mb * mp;

            // Symmetric 3x3 inverse by cofactors.
            double i00 = sgg * sbb - sgb * sgb, i01 = sgb * srb - srg * sbb, i02 = srg * sgb - sgg * srb;
            double i11 = srr * sbb - srb * srb, i12 = srb * srg - srr * sgb, i22 = srr * sgg - srg * srg;
            double det = srr * i00 + srg * i01 + srb * i02;
            double ar = (i00 * cr + i01 * cg + i02 * cb) / det;
            double ag = (i01 * cr + i11 * cg + i12 * cb) / det;
            double ab = (i02 * cr + i12 * cg + i22 * cb) / det;
            a[0].Data[i] = (float)ar;
            a[1].Data[i] = (float)ag;
            a[2].Data[i] = (float)ab;
            offset.Data[i] = (float)(mp - ar * mr - ag * mg - ab * mb);
        }
        return (a.Select(Mean).ToArray(), Mean(offset));
    }

    static FloatPlane Combine(FloatPlane[] guide, FloatPlane[] a, FloatPlane b)
    {
        var q = b.Clone();
        for (int c = 0; c < guide.Length; c++) TensorPrimitives.MultiplyAdd(a[c].Data, guide[c].Data, q.Data, q.Data);
        return q;
    }

    static FloatPlane Product(FloatPlane x, FloatPlane y)
    {
        var p = new FloatPlane(x.Width, x.Height);
        TensorPrimitives.Multiply(x.Data, y.Data, p.Data);
        return p;
    }

    static int LowResRadius(int radius, int fullWidth, int lowWidth) =>
        Math.Max(1, (int)Math.Round(radius * (double)lowWidth / fullWidth));

    static void CheckSameSize(FloatPlane guide, FloatPlane input)
    {
        if (guide.Width != input.Width || guide.Height != input.Height)
            throw new ArgumentException($"guide is {guide.Width}x{guide.Height} but input is {input.Width}x{input.Height}; use Upsample for different sizes");
    }
}
