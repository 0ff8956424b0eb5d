using SkiaSharp;

namespace Likeness.Imaging.Drawing;

/// <summary>
/// Text in a real font (DejaVu Sans, embedded: the machine needs no fonts installed), shaped and anti-aliased by
/// SkiaSharp into a coverage mask, then blended onto our <see cref="RgbaImage"/> in the given colour.
/// </summary>
public static class TextRenderer
{
    static readonly Lazy<SKTypeface> Typeface = new(() =>
    {
        using var stream = typeof(TextRenderer).Assembly.GetManifestResourceStream("Likeness.Fonts.DejaVuSans.ttf")
            ?? throw new InvalidOperationException("the embedded DejaVu Sans font is missing from Likeness.Core");
        return SKTypeface.FromStream(stream) ?? throw new InvalidOperationException("SkiaSharp could not read the embedded DejaVu Sans font");
    });

    static SKFont Font(float size) => new(Typeface.Value, size) { Edging = SKFontEdging.Antialias, Subpixel = true };

    /// <summary>Width and height of <paramref name="text"/> (lines split at '\n') at <paramref name="size"/> px.</summary>
    public static (int Width, int Height) Measure(string text, float size)
    {
        using var font = Font(size);
        var lines = text.Split('\n');
        float width = lines.Max(l => font.MeasureText(l));
        return ((int)MathF.Ceiling(width), (int)MathF.Ceiling(font.Spacing * lines.Length));
    }

    /// <summary>Draws <paramref name="text"/> with the top-left of its first line's box at (x, y).</summary>
    public static void Draw(RgbaImage image, string text, int x, int y, Rgba32 color, float size)
    {
        if (text.Length == 0) return;
        var (w, h) = Measure(text, size);
        if (w <= 0 || h <= 0) return;
        using var font = Font(size);
        using var bitmap = new SKBitmap(new SKImageInfo(w + 2, h + 2, SKColorType.Alpha8, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true })
        {
            canvas.Clear(SKColors.Transparent);
            float baseline = -font.Metrics.Ascent;
            foreach (var line in text.Split('\n'))
            {
                canvas.DrawText(line, 1, 1 + baseline, SKTextAlign.Left, font, paint);
                baseline += font.Spacing;
            }
        }
        var coverage = bitmap.GetPixelSpan();
        int stride = bitmap.RowBytes;
        for (int row = 0; row < bitmap.Height; row++)
        {
            int py = y + row - 1;
            if ((uint)py >= (uint)image.Height) continue;
            for (int col = 0; col < bitmap.Width; col++)
            {
                int px = x + col - 1;
                byte a = coverage[row * stride + col];
                if (a == 0 || (uint)px >= (uint)image.Width) continue;
                var under = image[px, py];
                int alpha = a * color.A / 255;
                image[px, py] = new Rgba32(
                    (byte)((color.R * alpha + under.R * (255 - alpha)) / 255),
                    (byte)((color.G * alpha + under.G * (255 - alpha)) / 255),
                    (byte)((color.B * alpha + under.B * (255 - alpha)) / 255),
                    (byte)Math.Max(under.A, alpha));
            }
        }
    }
}
