using Likeness.Imaging.Blending;
using Likeness.Imaging.Transforms;

namespace Likeness.Imaging.Drawing;

/// <summary>Images in a grid of equal tiles (each fitted, aspect kept), a caption under each (lines split at '\n'): for overview sheets.</summary>
public static class LabelledGrid
{
    const int Gap = 8, Line = 20;

    public static RgbaImage Build(IReadOnlyList<(string Label, RgbaImage Image)> items, int tile = 256, int columns = 8, Rgba32? background = null)
    {
        if (items.Count == 0) throw new ArgumentException("a grid needs at least one image", nameof(items));
        columns = Math.Clamp(columns, 1, items.Count);
        int rows = (items.Count + columns - 1) / columns;
        int caption = 8 + Line * items.Max(i => i.Label.Split('\n').Length);
        var sheet = RgbaImage.Filled(columns * (tile + Gap) + Gap, rows * (tile + caption + Gap) + Gap, background ?? new Rgba32(40, 40, 40));
        for (int i = 0; i < items.Count; i++)
        {
            int x = Gap + i % columns * (tile + Gap), y = Gap + i / columns * (tile + caption + Gap);
            var (label, image) = items[i];
            float scale = Math.Min((float)tile / image.Width, (float)tile / image.Height);
            int w = Math.Max(1, (int)(image.Width * scale)), h = Math.Max(1, (int)(image.Height * scale));
            AlphaCompositing.AlphaBlend(sheet, image.Resize(w, h, ResizeMethod.Area), x + (tile - w) / 2, y + (tile - h) / 2);
            var fitted = string.Join('\n', label.Split('\n').Select(l => Fit(l, tile - 4, 14f)));
            TextRenderer.Draw(sheet, fitted, x + 2, y + tile + 4, new Rgba32(235, 235, 235), 14f);
        }
        return sheet;
    }

    static string Fit(string text, int width, float size)
    {
        while (text.Length > 3 && TextRenderer.Measure(text, size).Width > width) text = text[..^4] + "…";
        return text;
    }
}
