using Likeness.Imaging;
using Likeness.Imaging.Internal;

namespace Likeness.Vision.Matting;

/// <summary>
/// A person matte at the photo's resolution and the cut-out it gives. <see cref="CutoutPremultiplied"/> carries
/// the photo's colours multiplied by alpha (its own alpha, if any, times the matte), ready for source-over compositing.
/// </summary>
public sealed class MattingResult
{
    /// <summary>A bottom row counts as touched when at least this fraction of it is person (alpha >= 0.5).</summary>
    public const double BottomEdgeTouchFraction = 0.01;

    MattingResult(FloatPlane alpha, RgbaImage cutout, string modelName, double coverage, Rect? bounds, double bottomEdge, StageTimings timings)
    {
        Alpha = alpha;
        CutoutPremultiplied = cutout;
        ModelName = modelName;
        Coverage = coverage;
        PersonBounds = bounds;
        BottomEdgeCoverage = bottomEdge;
        Timings = timings;
    }

    /// <summary>Person opacity in 0..1, same size as the input photo.</summary>
    public FloatPlane Alpha { get; }

    public RgbaImage CutoutPremultiplied { get; }

    public string ModelName { get; }

    /// <summary>Mean alpha: the fraction of the photo the person covers.</summary>
    public double Coverage { get; }

    /// <summary>The smallest rectangle holding every pixel with alpha >= 0.5; null when there is no person.</summary>
    public Rect? PersonBounds { get; }

    /// <summary>Fraction of the bottom row that is person (alpha >= 0.5).</summary>
    public double BottomEdgeCoverage { get; }

    /// <summary>The person is cut by the bottom of the frame (head-and-shoulders, half-length shots), so compose should anchor it there.</summary>
    public bool TouchesBottomEdge => BottomEdgeCoverage >= BottomEdgeTouchFraction;

    public StageTimings Timings { get; internal set; }

    /// <summary>Builds the cut-out and the summary values from <paramref name="alpha"/> (clamped to 0..1 in place).</summary>
    public static MattingResult Create(RgbaImage image, FloatPlane alpha, string modelName, StageTimings timings = default)
    {
        if (alpha.Width != image.Width || alpha.Height != image.Height)
            throw new ArgumentException($"alpha is {alpha.Width}x{alpha.Height} but the image is {image.Width}x{image.Height}; upsample the matte first", nameof(alpha));
        int w = image.Width, h = image.Height;
        var cutout = new RgbaImage(w, h);
        var rowSums = new double[h];
        var rowExtents = new (int Left, int Right)[h];
        ParallelRows.For(h, image.PixelCount, (first, end) =>
        {
            for (int y = first; y < end; y++)
                rowSums[y] = CutRow(image.Row(y), alpha.Row(y), cutout.Row(y), out rowExtents[y]);
        });

        int left = w, right = -1, top = -1, bottom = -1;
        for (int y = 0; y < h; y++)
        {
            var (l, r) = rowExtents[y];
            if (r < 0) continue;
            if (top < 0) top = y;
            bottom = y;
            left = Math.Min(left, l);
            right = Math.Max(right, r);
        }
        Rect? bounds = top < 0 ? null : Rect.FromEdges(left, top, right + 1, bottom + 1);
        int bottomCount = 0;
        foreach (var a in alpha.Row(h - 1)) if (a >= 0.5f) bottomCount++;
        return new MattingResult(alpha, cutout, modelName, rowSums.Sum() / image.PixelCount, bounds, (double)bottomCount / w, timings);
    }

    /// <summary>Clamps one alpha row, writes the premultiplied cut-out row; returns the alpha sum and the row's person extent.</summary>
    static double CutRow(ReadOnlySpan<byte> src, Span<float> alpha, Span<byte> dst, out (int Left, int Right) extent)
    {
        double sum = 0;
        int left = -1, right = -1;
        for (int x = 0, i = 0; x < alpha.Length; x++, i += 4)
        {
            float a = Math.Clamp(alpha[x], 0f, 1f);
            alpha[x] = a;
            sum += a;
            if (a >= 0.5f)
            {
                if (left < 0) left = x;
                right = x;
            }
            int outA = (int)(src[i + 3] * a + 0.5f);
            dst[i] = (byte)((src[i] * outA + 127) / 255);
            dst[i + 1] = (byte)((src[i + 1] * outA + 127) / 255);
            dst[i + 2] = (byte)((src[i + 2] * outA + 127) / 255);
            dst[i + 3] = (byte)outA;
        }
        extent = (left, right);
        return sum;
    }
}
