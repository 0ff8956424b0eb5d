using System.Numerics;
using Likeness.Imaging.Color;
using Likeness.Imaging.Internal;

namespace Likeness.Imaging.Blending;

/// <summary>Alpha handling and Porter-Duff source-over. Methods modify the image passed first.</summary>
public static class AlphaCompositing
{
    /// <summary>Converts straight alpha to premultiplied, in place (c = round(c * a / 255)).</summary>
    public static void Premultiply(this RgbaImage img)
    {
        var d = img.Data;
        for (int i = 0; i < d.Length; i += 4)
        {
            int a = d[i + 3];
            if (a == 255) continue;
            d[i] = (byte)((d[i] * a + 127) / 255);
            d[i + 1] = (byte)((d[i + 1] * a + 127) / 255);
            d[i + 2] = (byte)((d[i + 2] * a + 127) / 255);
        }
    }

    /// <summary>Converts premultiplied alpha back to straight, in place; fully transparent pixels become (0,0,0,0).</summary>
    public static void Unpremultiply(this RgbaImage img)
    {
        var d = img.Data;
        for (int i = 0; i < d.Length; i += 4)
        {
            int a = d[i + 3];
            if (a == 255) continue;
            for (int c = 0; c < 3; c++) d[i + c] = a == 0 ? (byte)0 : (byte)Math.Min(255, (d[i + c] * 255 + a / 2) / a);
        }
    }

    /// <summary>
    /// Draws <paramref name="src"/> over <paramref name="dst"/> with its top-left corner at (x, y), both with straight alpha.
    /// Parts outside <paramref name="dst"/> are skipped. With <paramref name="linearLight"/> colours are mixed as
    /// light intensities (decoded from sRGB), which avoids the dark fringes of mixing encoded values.
    /// </summary>
    public static void AlphaBlend(this RgbaImage dst, RgbaImage src, int x, int y, float opacity = 1f, bool linearLight = false)
    {
        opacity = Math.Clamp(opacity, 0f, 1f);
        var area = new Rect(x, y, src.Width, src.Height).Intersect(new Rect(0, 0, dst.Width, dst.Height));
        if (area.IsEmpty || opacity == 0) return;

        ParallelRows.For(area.Height, (long)area.Width * area.Height, (first, end) =>
        {
            for (int row = first; row < end; row++)
            {
                int dy = area.Y + row;
                var s = src.PixelRow(dy - y).Slice(area.X - x, area.Width);
                var d = dst.PixelRow(dy).Slice(area.X, area.Width);
                for (int i = 0; i < s.Length; i++) d[i] = Over(s[i], d[i], opacity, linearLight);
            }
        });
    }

    /// <summary>Source-over of one straight-alpha pixel onto another.</summary>
    public static Rgba32 Over(Rgba32 src, Rgba32 dst, float opacity = 1f, bool linearLight = false)
    {
        float sa = src.A * (1f / 255f) * opacity;
        if (sa <= 0) return dst;
        if (sa >= 1) return src;
        float da = dst.A * (1f / 255f);
        float keep = da * (1 - sa);
        float oa = sa + keep;
        Vector3 color;
        if (linearLight)
        {
            color = (Linear(src) * sa + Linear(dst) * keep) / oa;
            return new Rgba32(Srgb.LinearToByte(color.X), Srgb.LinearToByte(color.Y), Srgb.LinearToByte(color.Z), ToByte(oa * 255));
        }
        color = (new Vector3(src.R, src.G, src.B) * sa + new Vector3(dst.R, dst.G, dst.B) * keep) / oa;
        return new Rgba32(ToByte(color.X), ToByte(color.Y), ToByte(color.Z), ToByte(oa * 255));
    }

    /// <summary>Multiplies alpha by <paramref name="mask"/> (clamped to 0..1), in place.</summary>
    public static void ApplyMask(this RgbaImage img, FloatPlane mask)
    {
        CheckSize(img, mask);
        var d = img.Data;
        var m = mask.Data;
        for (int i = 0; i < m.Length; i++) d[i * 4 + 3] = ToByte(d[i * 4 + 3] * Math.Clamp(m[i], 0f, 1f));
    }

    /// <summary>Replaces alpha with <paramref name="alpha"/> (0..1, clamped), in place.</summary>
    public static void SetAlpha(this RgbaImage img, FloatPlane alpha)
    {
        CheckSize(img, alpha);
        var d = img.Data;
        var m = alpha.Data;
        for (int i = 0; i < m.Length; i++) d[i * 4 + 3] = ToByte(Math.Clamp(m[i], 0f, 1f) * 255f);
    }

    /// <summary>The alpha channel as a 0..1 plane.</summary>
    public static FloatPlane ExtractAlpha(this RgbaImage img)
    {
        var plane = new FloatPlane(img.Width, img.Height);
        var d = img.Data;
        for (int i = 0; i < plane.Data.Length; i++) plane.Data[i] = d[i * 4 + 3] * (1f / 255f);
        return plane;
    }

    static Vector3 Linear(Rgba32 p) => new(Srgb.ByteToLinear(p.R), Srgb.ByteToLinear(p.G), Srgb.ByteToLinear(p.B));

    static byte ToByte(float v) => (byte)Math.Clamp(v + 0.5f, 0f, 255f);

    static void CheckSize(RgbaImage img, FloatPlane mask)
    {
        if (mask.Width != img.Width || mask.Height != img.Height)
            throw new ArgumentException($"mask is {mask.Width}x{mask.Height} but the image is {img.Width}x{img.Height}", nameof(mask));
    }
}
