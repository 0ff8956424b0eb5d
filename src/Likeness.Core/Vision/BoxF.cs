using Likeness.Imaging;

namespace Likeness.Vision;

/// <summary>An axis-aligned box in image pixel coordinates (floating point).</summary>
public readonly record struct BoxF(float X, float Y, float Width, float Height)
{
    public float Right => X + Width;
    public float Bottom => Y + Height;
    public float CenterX => X + Width / 2;
    public float CenterY => Y + Height / 2;
    public float Area => Math.Max(0, Width) * Math.Max(0, Height);

    public static BoxF FromEdges(float left, float top, float right, float bottom) => new(left, top, right - left, bottom - top);

    public float IntersectionOverUnion(BoxF other)
    {
        float w = Math.Min(Right, other.Right) - Math.Max(X, other.X);
        float h = Math.Min(Bottom, other.Bottom) - Math.Max(Y, other.Y);
        if (w <= 0 || h <= 0) return 0;
        float inter = w * h;
        return inter / (Area + other.Area - inter);
    }

    /// <summary>The box scaled about its centre.</summary>
    public BoxF ScaledAboutCenter(float factor) =>
        new(CenterX - Width * factor / 2, CenterY - Height * factor / 2, Width * factor, Height * factor);

    /// <summary>The enclosing integer rectangle, clipped to an image of the given size.</summary>
    public Rect ToRect(int imageWidth, int imageHeight)
    {
        int left = Math.Clamp((int)MathF.Floor(X), 0, imageWidth), top = Math.Clamp((int)MathF.Floor(Y), 0, imageHeight);
        int right = Math.Clamp((int)MathF.Ceiling(Right), 0, imageWidth), bottom = Math.Clamp((int)MathF.Ceiling(Bottom), 0, imageHeight);
        return Rect.FromEdges(left, top, right, bottom);
    }

    public override string ToString() => $"({X:0.#},{Y:0.#} {Width:0.#}x{Height:0.#})";
}
