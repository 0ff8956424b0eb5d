using System.Numerics;
using Likeness.Imaging.Internal;

namespace Likeness.Imaging.Transforms;

public static class Warping
{
    /// <summary>
    /// Like cv2.warpAffine: <paramref name="srcToDst"/> maps source pixel coordinates (pixel centres at
    /// integers) to output coordinates; each output pixel samples the source bilinearly through the inverse.
    /// Colours are interpolated premultiplied by alpha, so transparent pixels and borders do not bleed colour.
    /// </summary>
    public static RgbaImage WarpAffine(this RgbaImage src, AffineTransform srcToDst, int width, int height,
        BorderMode border = BorderMode.Constant, Rgba32 borderColor = default)
    {
        var inv = srcToDst.Invert();
        var dst = new RgbaImage(width, height);
        var pixels = src.Data;
        int sw = src.Width, sh = src.Height;
        var borderValue = Premultiplied(borderColor);
        // With a constant border, output pixels whose samples all fall outside the source are the border
        // colour; only the source's footprint needs sampling (a person placed into a large scene covers little of it).
        var footprint = border == BorderMode.Constant ? Footprint(srcToDst, sw, sh, width, height) : new Rect(0, 0, width, height);
        Span<byte> outside = stackalloc byte[4];
        Store(borderValue, outside);
        uint outsidePixel = BitConverter.ToUInt32(outside);

        ParallelRows.For(height, (long)width * height, (first, end) =>
        {
            for (int y = first; y < end; y++)
            {
                var row = dst.Row(y);
                if (y < footprint.Y || y >= footprint.Bottom)
                {
                    System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(row).Fill(outsidePixel);
                    continue;
                }
                var pixels32 = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(row);
                pixels32[..footprint.X].Fill(outsidePixel);
                pixels32[footprint.Right..].Fill(outsidePixel);
                for (int x = footprint.X; x < footprint.Right; x++)
                {
                    double fx = inv.A * x + inv.B * y + inv.C;
                    double fy = inv.D * x + inv.E * y + inv.F;
                    var v = Sample(pixels, sw, sh, fx, fy, border, borderValue);
                    Store(v, row.Slice(x * 4, 4));
                }
            }
        });
        return dst;
    }

    /// <summary>The output pixels that can sample the source: its bounds one pixel wider, mapped, rounded outwards.</summary>
    static Rect Footprint(AffineTransform srcToDst, int sw, int sh, int width, int height)
    {
        Span<Vector2> corners = [srcToDst.Apply(new(-1, -1)), srcToDst.Apply(new(sw, -1)), srcToDst.Apply(new(-1, sh)), srcToDst.Apply(new(sw, sh))];
        float minX = float.MaxValue, minY = float.MaxValue, maxX = float.MinValue, maxY = float.MinValue;
        foreach (var c in corners)
        {
            if (!float.IsFinite(c.X) || !float.IsFinite(c.Y)) return new Rect(0, 0, width, height);
            (minX, minY, maxX, maxY) = (Math.Min(minX, c.X), Math.Min(minY, c.Y), Math.Max(maxX, c.X), Math.Max(maxY, c.Y));
        }
        static int Clamp(double v, int hi) => (int)Math.Clamp(v, 0, hi);
        return Rect.FromEdges(Clamp(Math.Floor(minX) - 1, width), Clamp(Math.Floor(minY) - 1, height),
            Clamp(Math.Ceiling(maxX) + 2, width), Clamp(Math.Ceiling(maxY) + 2, height));
    }

    /// <inheritdoc cref="WarpAffine(RgbaImage, AffineTransform, int, int, BorderMode, Rgba32)"/>
    public static FloatPlane WarpAffine(this FloatPlane src, AffineTransform srcToDst, int width, int height,
        BorderMode border = BorderMode.Constant, float borderValue = 0)
    {
        var inv = srcToDst.Invert();
        var dst = new FloatPlane(width, height);
        var data = src.Data;
        int sw = src.Width, sh = src.Height;

        ParallelRows.For(height, (long)width * height, (first, end) =>
        {
            for (int y = first; y < end; y++)
            {
                var row = dst.Row(y);
                for (int x = 0; x < width; x++)
                {
                    double fx = inv.A * x + inv.B * y + inv.C;
                    double fy = inv.D * x + inv.E * y + inv.F;
                    row[x] = Sample(data, sw, sh, fx, fy, border, borderValue);
                }
            }
        });
        return dst;
    }

    /// <summary>Bilinear sample of a plane at (x, y), pixel centres at integers.</summary>
    public static float Sample(this FloatPlane plane, double x, double y, BorderMode border = BorderMode.Replicate, float borderValue = 0) =>
        Sample(plane.Data, plane.Width, plane.Height, x, y, border, borderValue);

    static float Sample(float[] data, int w, int h, double x, double y, BorderMode border, float borderValue)
    {
        if (!double.IsFinite(x) || !double.IsFinite(y) || Math.Abs(x) > 1e8 || Math.Abs(y) > 1e8) return borderValue;
        int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
        float fx = (float)(x - x0), fy = (float)(y - y0);
        float p00, p10, p01, p11;
        if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h)
        {
            int i = y0 * w + x0;
            (p00, p10, p01, p11) = (data[i], data[i + 1], data[i + w], data[i + w + 1]);
        }
        else
        {
            int xa = BorderIndex.Resolve(x0, w, border), xb = BorderIndex.Resolve(x0 + 1, w, border);
            int ya = BorderIndex.Resolve(y0, h, border), yb = BorderIndex.Resolve(y0 + 1, h, border);
            p00 = xa < 0 || ya < 0 ? borderValue : data[ya * w + xa];
            p10 = xb < 0 || ya < 0 ? borderValue : data[ya * w + xb];
            p01 = xa < 0 || yb < 0 ? borderValue : data[yb * w + xa];
            p11 = xb < 0 || yb < 0 ? borderValue : data[yb * w + xb];
        }
        float top = p00 + (p10 - p00) * fx;
        float bottom = p01 + (p11 - p01) * fx;
        return top + (bottom - top) * fy;
    }

    static Vector4 Sample(byte[] data, int w, int h, double x, double y, BorderMode border, Vector4 borderValue)
    {
        if (!double.IsFinite(x) || !double.IsFinite(y) || Math.Abs(x) > 1e8 || Math.Abs(y) > 1e8) return borderValue;
        int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
        float fx = (float)(x - x0), fy = (float)(y - y0);
        Vector4 p00, p10, p01, p11;
        if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h)
        {
            int i = (y0 * w + x0) * 4, stride = w * 4;
            p00 = Premultiplied(data, i);
            p10 = Premultiplied(data, i + 4);
            p01 = Premultiplied(data, i + stride);
            p11 = Premultiplied(data, i + stride + 4);
        }
        else
        {
            int xa = BorderIndex.Resolve(x0, w, border), xb = BorderIndex.Resolve(x0 + 1, w, border);
            int ya = BorderIndex.Resolve(y0, h, border), yb = BorderIndex.Resolve(y0 + 1, h, border);
            p00 = xa < 0 || ya < 0 ? borderValue : Premultiplied(data, (ya * w + xa) * 4);
            p10 = xb < 0 || ya < 0 ? borderValue : Premultiplied(data, (ya * w + xb) * 4);
            p01 = xa < 0 || yb < 0 ? borderValue : Premultiplied(data, (yb * w + xa) * 4);
            p11 = xb < 0 || yb < 0 ? borderValue : Premultiplied(data, (yb * w + xb) * 4);
        }
        var top = Vector4.Lerp(p00, p10, fx);
        var bottom = Vector4.Lerp(p01, p11, fx);
        return Vector4.Lerp(top, bottom, fy);
    }

    static Vector4 Premultiplied(byte[] d, int i)
    {
        float a = d[i + 3];
        float k = a * (1f / 255f);
        return new Vector4(d[i] * k, d[i + 1] * k, d[i + 2] * k, a);
    }

    static Vector4 Premultiplied(Rgba32 c)
    {
        float k = c.A * (1f / 255f);
        return new Vector4(c.R * k, c.G * k, c.B * k, c.A);
    }

    static void Store(Vector4 p, Span<byte> dst)
    {
        if (p.W < 0.5f)
        {
            dst.Clear();
            return;
        }
        float s = 255f / p.W;
        p = Vector4.Clamp(new Vector4(p.X * s, p.Y * s, p.Z * s, p.W) + new Vector4(0.5f), Vector4.Zero, new Vector4(255f));
        dst[0] = (byte)p.X;
        dst[1] = (byte)p.Y;
        dst[2] = (byte)p.Z;
        dst[3] = (byte)p.W;
    }
}
