using System.Numerics;
using Likeness.Imaging.Blending;

namespace Likeness.Imaging.Drawing;

/// <summary>
/// Overlay drawing, in place. Pixel centres sit at integer coordinates (as in OpenCV), colours blend
/// source-over using their alpha, and shapes are clipped to the image: anything out of range simply draws less.
/// </summary>
public static class Draw
{
    /// <summary>A line with round caps; <paramref name="thickness"/> is its full width in pixels.</summary>
    public static void DrawLine(this RgbaImage img, Vector2 from, Vector2 to, Rgba32 color, float thickness = 1, bool antialias = true)
    {
        float half = Math.Max(thickness, 0.5f) / 2;
        float reach = half + 1;
        var rows = Span(Math.Min(from.Y, to.Y) - reach, Math.Max(from.Y, to.Y) + reach, img.Height);
        for (int y = rows.First; y <= rows.Last; y++)
        {
            if (!RowExtent(from, to, y, reach, out float left, out float right)) continue;
            var cols = Span(left, right, img.Width);
            for (int x = cols.First; x <= cols.Last; x++)
            {
                float d = DistanceToSegment(new Vector2(x, y), from, to);
                Plot(img, x, y, color, Coverage(half - d, antialias));
            }
        }
    }

    public static void DrawPolyline(this RgbaImage img, ReadOnlySpan<Vector2> points, Rgba32 color, float thickness = 1,
        bool closed = false, bool antialias = true)
    {
        for (int i = 0; i + 1 < points.Length; i++) img.DrawLine(points[i], points[i + 1], color, thickness, antialias);
        if (closed && points.Length > 2) img.DrawLine(points[^1], points[0], color, thickness, antialias);
    }

    /// <summary>An outline <paramref name="thickness"/> pixels wide, drawn inside <paramref name="rect"/>.</summary>
    public static void DrawRectangle(this RgbaImage img, Rect rect, Rgba32 color, int thickness = 1)
    {
        if (rect.IsEmpty || thickness <= 0) return;
        if (2 * thickness >= rect.Width || 2 * thickness >= rect.Height)
        {
            img.FillRectangle(rect, color);
            return;
        }
        img.FillRectangle(new Rect(rect.X, rect.Y, rect.Width, thickness), color);
        img.FillRectangle(new Rect(rect.X, rect.Bottom - thickness, rect.Width, thickness), color);
        img.FillRectangle(new Rect(rect.X, rect.Y + thickness, thickness, rect.Height - 2 * thickness), color);
        img.FillRectangle(new Rect(rect.Right - thickness, rect.Y + thickness, thickness, rect.Height - 2 * thickness), color);
    }

    public static void FillRectangle(this RgbaImage img, Rect rect, Rgba32 color)
    {
        var area = rect.Intersect(new Rect(0, 0, img.Width, img.Height));
        if (area.IsEmpty) return;
        for (int y = area.Y; y < area.Bottom; y++)
        {
            var row = img.PixelRow(y).Slice(area.X, area.Width);
            if (color.A == 255) row.Fill(color);
            else for (int x = 0; x < row.Length; x++) row[x] = AlphaCompositing.Over(color, row[x]);
        }
    }

    /// <summary>A ring of full width <paramref name="thickness"/> centred on the circle of <paramref name="radius"/>.</summary>
    public static void DrawCircle(this RgbaImage img, Vector2 center, float radius, Rgba32 color, float thickness = 1, bool antialias = true)
    {
        float half = Math.Max(thickness, 0.5f) / 2;
        Circle(img, center, radius + half + 1, color, d => Coverage(half - Math.Abs(d - radius), antialias));
    }

    public static void FillCircle(this RgbaImage img, Vector2 center, float radius, Rgba32 color, bool antialias = true) =>
        Circle(img, center, radius + 1, color, d => Coverage(radius - d, antialias));

    /// <summary>Font size in pixels for a text <paramref name="scale"/> (1 = small labels, about 9 px).</summary>
    public static float TextSize(int scale) => 9f * Math.Max(1, scale);

    /// <summary>Draws <paramref name="text"/> with its top-left at (x, y) in DejaVu Sans (<see cref="TextRenderer"/>); '\n' starts a new line.</summary>
    public static void DrawText(this RgbaImage img, string text, int x, int y, Rgba32 color, int scale = 1) =>
        TextRenderer.Draw(img, text, x, y, color, TextSize(scale));

    /// <summary>Text on a filled box, with <paramref name="padding"/> pixels around it; returns the box drawn.</summary>
    public static Rect DrawLabel(this RgbaImage img, string text, int x, int y, Rgba32 textColor, Rgba32 background, int scale = 1, int padding = 2)
    {
        var (w, h) = TextRenderer.Measure(text, TextSize(scale));
        var box = new Rect(x, y, w + 2 * padding, h + 2 * padding);
        img.FillRectangle(box, background);
        img.DrawText(text, x + padding, y + padding, textColor, scale);
        return box;
    }

    static void Circle(RgbaImage img, Vector2 c, float reach, Rgba32 color, Func<float, float> coverageAtDistance)
    {
        var rows = Span(c.Y - reach, c.Y + reach, img.Height);
        var cols = Span(c.X - reach, c.X + reach, img.Width);
        for (int y = rows.First; y <= rows.Last; y++)
            for (int x = cols.First; x <= cols.Last; x++)
                Plot(img, x, y, color, coverageAtDistance(Vector2.Distance(new Vector2(x, y), c)));
    }

    /// <summary>Anti-aliased: a one-pixel ramp centred on the shape edge. Otherwise: in or out.</summary>
    static float Coverage(float insideBy, bool antialias) =>
        antialias ? Math.Clamp(insideBy + 0.5f, 0f, 1f) : insideBy >= 0 ? 1f : 0f;

    static void Plot(RgbaImage img, int x, int y, Rgba32 color, float coverage)
    {
        if (coverage <= 0) return;
        if (coverage >= 1 && color.A == 255) img[x, y] = color;
        else img[x, y] = AlphaCompositing.Over(color, img[x, y], coverage);
    }

    /// <summary>Integer pixel range covering [from, to], clipped to [0, size); empty when First &gt; Last.</summary>
    static (int First, int Last) Span(float from, float to, int size)
    {
        if (!(to >= 0) || !(from <= size - 1)) return (0, -1);
        return ((int)MathF.Ceiling(Math.Max(from, 0)), (int)MathF.Floor(Math.Min(to, size - 1)));
    }

    /// <summary>The x range, on row y, of points within <paramref name="reach"/> of the segment (conservative).</summary>
    static bool RowExtent(Vector2 a, Vector2 b, float y, float reach, out float left, out float right)
    {
        float t0 = 0, t1 = 1;
        if (Math.Abs(b.Y - a.Y) > 1e-6f)
        {
            t0 = (y - reach - a.Y) / (b.Y - a.Y);
            t1 = (y + reach - a.Y) / (b.Y - a.Y);
            if (t0 > t1) (t0, t1) = (t1, t0);
            t0 = Math.Max(t0, 0);
            t1 = Math.Min(t1, 1);
        }
        else if (Math.Abs(a.Y - y) > reach) t0 = 2;
        float x0 = a.X + t0 * (b.X - a.X), x1 = a.X + t1 * (b.X - a.X);
        left = Math.Min(x0, x1) - reach;
        right = Math.Max(x0, x1) + reach;
        return t0 <= t1;
    }

    static float DistanceToSegment(Vector2 p, Vector2 a, Vector2 b)
    {
        var ab = b - a;
        float len2 = ab.LengthSquared();
        float t = len2 > 0 ? Math.Clamp(Vector2.Dot(p - a, ab) / len2, 0f, 1f) : 0f;
        return Vector2.Distance(p, a + t * ab);
    }
}
