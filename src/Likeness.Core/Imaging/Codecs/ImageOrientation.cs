namespace Likeness.Imaging.Codecs;

/// <summary>EXIF orientation (tag 0x0112): how the stored pixels must be turned to display upright.</summary>
public enum ImageOrientation : byte
{
    Normal = 1,
    MirrorHorizontal = 2,
    Rotate180 = 3,
    MirrorVertical = 4,
    /// <summary>Mirror along the top-left/bottom-right diagonal.</summary>
    Transpose = 5,
    /// <summary>Rotate 90 degrees clockwise to display.</summary>
    Rotate90 = 6,
    /// <summary>Mirror along the top-right/bottom-left diagonal.</summary>
    Transverse = 7,
    /// <summary>Rotate 90 degrees counter-clockwise (270 clockwise) to display.</summary>
    Rotate270 = 8,
}

public static class ImageOrientationExtensions
{
    public static bool SwapsAxes(this ImageOrientation o) => o >= ImageOrientation.Transpose;

    /// <summary>The upright image; returns <paramref name="stored"/> itself for Normal, flips in place when the size stays.</summary>
    public static RgbaImage ApplyTo(this ImageOrientation orientation, RgbaImage stored)
    {
        switch (orientation)
        {
            case ImageOrientation.MirrorHorizontal: MirrorRows(stored); return stored;
            case ImageOrientation.MirrorVertical: FlipRows(stored); return stored;
            case ImageOrientation.Rotate180: FlipRows(stored); MirrorRows(stored); return stored;
            case ImageOrientation.Transpose:
            case ImageOrientation.Rotate90:
            case ImageOrientation.Transverse:
            case ImageOrientation.Rotate270: return Turn(stored, orientation);
            default: return stored;
        }
    }

    static void MirrorRows(RgbaImage img)
    {
        for (int y = 0; y < img.Height; y++) img.PixelRow(y).Reverse();
    }

    static void FlipRows(RgbaImage img)
    {
        var scratch = new byte[img.Stride];
        for (int top = 0, bottom = img.Height - 1; top < bottom; top++, bottom--)
        {
            img.Row(top).CopyTo(scratch);
            img.Row(bottom).CopyTo(img.Row(top));
            scratch.CopyTo(img.Row(bottom));
        }
    }

    /// <summary>The four orientations that swap width and height: out(x, y) = in[start + x * stepX + y * stepY].</summary>
    static RgbaImage Turn(RgbaImage src, ImageOrientation o)
    {
        int w = src.Width, h = src.Height;
        (int start, int stepX, int stepY) = o switch
        {
            ImageOrientation.Transpose => (0, w, 1),
            ImageOrientation.Rotate90 => ((h - 1) * w, -w, 1),
            ImageOrientation.Transverse => ((h - 1) * w + w - 1, -w, -1),
            _ => (w - 1, w, -1),
        };
        var dst = new RgbaImage(h, w);
        ReadOnlySpan<Rgba32> s = src.Pixels;
        var d = dst.Pixels;
        for (int y = 0; y < w; y++)
        {
            var row = d.Slice(y * h, h);
            int i = start + y * stepY;
            for (int x = 0; x < h; x++, i += stepX) row[x] = s[i];
        }
        return dst;
    }
}
