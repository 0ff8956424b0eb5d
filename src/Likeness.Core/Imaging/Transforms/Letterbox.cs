using System.Numerics;

namespace Likeness.Imaging.Transforms;

/// <summary>
/// Where a source image sits inside a letterboxed canvas. Coordinates are continuous pixel coordinates
/// (0 is the left edge of the first pixel), so a model's box output maps back with <see cref="ToSource"/>.
/// </summary>
public readonly record struct LetterboxMapping(float ScaleX, float ScaleY, int OffsetX, int OffsetY, int ContentWidth, int ContentHeight)
{
    /// <summary>The largest aspect-preserving fit of srcW x srcH into targetW x targetH.</summary>
    public static LetterboxMapping Compute(int srcW, int srcH, int targetW, int targetH, bool center = true)
    {
        double scale = Math.Min((double)targetW / srcW, (double)targetH / srcH);
        int w = Math.Clamp((int)Math.Round(srcW * scale), 1, targetW);
        int h = Math.Clamp((int)Math.Round(srcH * scale), 1, targetH);
        int ox = center ? (targetW - w) / 2 : 0;
        int oy = center ? (targetH - h) / 2 : 0;
        return new((float)w / srcW, (float)h / srcH, ox, oy, w, h);
    }

    /// <summary>The content area inside the canvas.</summary>
    public Rect Content => new(OffsetX, OffsetY, ContentWidth, ContentHeight);

    public Vector2 ToTarget(Vector2 source) => new(source.X * ScaleX + OffsetX, source.Y * ScaleY + OffsetY);
    public Vector2 ToSource(Vector2 target) => new((target.X - OffsetX) / ScaleX, (target.Y - OffsetY) / ScaleY);
}

public static class Letterbox
{
    /// <summary>
    /// Resizes <paramref name="img"/> to fit <paramref name="targetW"/> x <paramref name="targetH"/> keeping its
    /// aspect ratio, fills the rest with <paramref name="fill"/>, and returns how to map coordinates back.
    /// </summary>
    public static (RgbaImage Image, LetterboxMapping Mapping) Apply(RgbaImage img, int targetW, int targetH,
        Rgba32 fill, bool center = true, ResizeMethod method = ResizeMethod.Bilinear)
    {
        var map = LetterboxMapping.Compute(img.Width, img.Height, targetW, targetH, center);
        var content = img.Width == map.ContentWidth && img.Height == map.ContentHeight
            ? img
            : img.Resize(map.ContentWidth, map.ContentHeight, method);
        var canvas = content.CropPadded(new Rect(-map.OffsetX, -map.OffsetY, targetW, targetH), fill);
        return (canvas, map);
    }
}
