namespace Likeness.Imaging.Color;

public static class Channels
{
    /// <summary>Rec.601 luma (0.299 R + 0.587 G + 0.114 B) in 0..1.</summary>
    public static FloatPlane ToGray(this RgbaImage img)
    {
        var plane = new FloatPlane(img.Width, img.Height);
        var d = img.Data;
        var o = plane.Data;
        const float r = 0.299f / 255f, g = 0.587f / 255f, b = 0.114f / 255f;
        for (int i = 0; i < o.Length; i++) o[i] = d[i * 4] * r + d[i * 4 + 1] * g + d[i * 4 + 2] * b;
        return plane;
    }

    /// <summary>Red, green and blue as separate 0..1 planes.</summary>
    public static (FloatPlane R, FloatPlane G, FloatPlane B) SplitRgb(this RgbaImage img)
    {
        FloatPlane r = new(img.Width, img.Height), g = new(img.Width, img.Height), b = new(img.Width, img.Height);
        var d = img.Data;
        for (int i = 0; i < r.Data.Length; i++)
        {
            r.Data[i] = d[i * 4] * (1f / 255f);
            g.Data[i] = d[i * 4 + 1] * (1f / 255f);
            b.Data[i] = d[i * 4 + 2] * (1f / 255f);
        }
        return (r, g, b);
    }

    /// <summary>An opaque grey image of a 0..1 plane (values clamped), for previews and debugging.</summary>
    public static RgbaImage ToGrayImage(this FloatPlane plane)
    {
        var img = new RgbaImage(plane.Width, plane.Height);
        var d = img.Data;
        var s = plane.Data;
        for (int i = 0; i < s.Length; i++)
        {
            byte v = (byte)Math.Clamp(s[i] * 255f + 0.5f, 0f, 255f);
            d[i * 4] = d[i * 4 + 1] = d[i * 4 + 2] = v;
            d[i * 4 + 3] = 255;
        }
        return img;
    }
}
