using System.Numerics.Tensors;

namespace Likeness.Imaging.Filters;

public enum StructuringElement
{
    /// <summary>The (2r+1) x (2r+1) square.</summary>
    Square,
    /// <summary>Pixels whose centre lies within distance r.</summary>
    Disc,
}

/// <summary>
/// Grey-scale dilation (local max) and erosion (local min). Pixels outside the image are ignored,
/// so the border neither grows nor shrinks a mask by itself.
/// </summary>
public static class Morphology
{
    public static FloatPlane Dilate(this FloatPlane plane, int radius, StructuringElement shape = StructuringElement.Square)
    {
        if (radius <= 0) return plane.Clone();
        return shape == StructuringElement.Square ? DilateSquare(plane, radius) : DilateDisc(plane, radius);
    }

    /// <summary>Erosion is dilation of the negated plane.</summary>
    public static FloatPlane Erode(this FloatPlane plane, int radius, StructuringElement shape = StructuringElement.Square)
    {
        if (radius <= 0) return plane.Clone();
        var negated = Negate(plane);
        var result = negated.Dilate(radius, shape);
        TensorPrimitives.Negate(result.Data, result.Data);
        return result;
    }

    /// <summary>Erode then dilate: removes specks smaller than the element.</summary>
    public static FloatPlane Open(this FloatPlane plane, int radius, StructuringElement shape = StructuringElement.Square) =>
        plane.Erode(radius, shape).Dilate(radius, shape);

    /// <summary>Dilate then erode: fills holes and gaps smaller than the element.</summary>
    public static FloatPlane Close(this FloatPlane plane, int radius, StructuringElement shape = StructuringElement.Square) =>
        plane.Dilate(radius, shape).Erode(radius, shape);

    static FloatPlane DilateSquare(FloatPlane plane, int radius)
    {
        var rows = HorizontalMax(plane, radius);
        var dst = new FloatPlane(plane.Width, plane.Height);
        VerticalMax(rows, radius, dst);
        return dst;
    }

    // A disc is a stack of rows of different half-widths: max over dy of the row dilated by halfWidth(dy).
    static FloatPlane DilateDisc(FloatPlane plane, int radius)
    {
        int w = plane.Width, h = plane.Height;
        var dst = new FloatPlane(w, h);
        dst.Data.AsSpan().Fill(float.NegativeInfinity);
        for (int half = 0; half <= radius; half++)
        {
            FloatPlane? rows = null;
            for (int dy = -radius; dy <= radius; dy++)
            {
                if ((int)Math.Sqrt(radius * radius - dy * dy) != half) continue;
                rows ??= HorizontalMax(plane, half);
                for (int y = Math.Max(0, -dy); y < Math.Min(h, h - dy); y++)
                    TensorPrimitives.Max(dst.Row(y), rows.Row(y + dy), dst.Row(y));
            }
        }
        return dst;
    }

    /// <summary>Running max over [x - k, x + k] of each row, van Herk/Gil-Werman: three comparisons per pixel.</summary>
    static FloatPlane HorizontalMax(FloatPlane plane, int k)
    {
        int w = plane.Width, window = 2 * k + 1, n = w + 2 * k;
        var dst = new FloatPlane(w, plane.Height);
        if (k == 0)
        {
            plane.Data.CopyTo(dst.Data, 0);
            return dst;
        }
        var padded = new float[n];
        var prefix = new float[n];
        var suffix = new float[n];
        padded.AsSpan().Fill(float.NegativeInfinity);
        for (int y = 0; y < plane.Height; y++)
        {
            plane.Row(y).CopyTo(padded.AsSpan(k));
            for (int j = 0; j < n; j++) prefix[j] = j % window == 0 ? padded[j] : Math.Max(prefix[j - 1], padded[j]);
            for (int j = n - 1; j >= 0; j--) suffix[j] = j % window == window - 1 || j == n - 1 ? padded[j] : Math.Max(suffix[j + 1], padded[j]);
            var o = dst.Row(y);
            for (int x = 0; x < w; x++) o[x] = Math.Max(suffix[x], prefix[x + window - 1]);
        }
        return dst;
    }

    /// <summary>The same van Herk/Gil-Werman scheme down the columns, one whole row per step (vectorised).</summary>
    static void VerticalMax(FloatPlane src, int k, FloatPlane dst)
    {
        int w = src.Width, h = src.Height, window = 2 * k + 1, n = h + 2 * k;
        var prefix = new float[n * w];
        var suffix = new float[n * w];
        Span<float> Row(float[] a, int j) => a.AsSpan(j * w, w);
        void Padded(int j, Span<float> into)
        {
            if (j < k || j >= k + h) into.Fill(float.NegativeInfinity);
            else src.Row(j - k).CopyTo(into);
        }
        for (int j = 0; j < n; j++)
        {
            Padded(j, Row(prefix, j));
            if (j % window != 0) TensorPrimitives.Max(Row(prefix, j - 1), Row(prefix, j), Row(prefix, j));
        }
        for (int j = n - 1; j >= 0; j--)
        {
            Padded(j, Row(suffix, j));
            if (j % window != window - 1 && j != n - 1) TensorPrimitives.Max(Row(suffix, j + 1), Row(suffix, j), Row(suffix, j));
        }
        for (int y = 0; y < h; y++) TensorPrimitives.Max(Row(suffix, y), Row(prefix, y + window - 1), dst.Row(y));
    }

    static FloatPlane Negate(FloatPlane plane)
    {
        var n = new FloatPlane(plane.Width, plane.Height);
        TensorPrimitives.Negate(plane.Data, n.Data);
        return n;
    }
}
