namespace Likeness.Imaging.Transforms;

/// <summary>Crops, padding, flips and right-angle rotations. Every method returns a new image.</summary>
public static class Geometry
{
    /// <summary>The part of <paramref name="rect"/> inside the image; throws when they do not overlap.</summary>
    public static RgbaImage Crop(this RgbaImage img, Rect rect)
    {
        var r = ClipOrThrow(rect, img.Width, img.Height);
        var dst = new RgbaImage(r.Width, r.Height);
        CopyRegion<Rgba32>(img.Pixels, img.Width, img.Height, dst.Pixels, r, default);
        return dst;
    }

    public static FloatPlane Crop(this FloatPlane plane, Rect rect)
    {
        var r = ClipOrThrow(rect, plane.Width, plane.Height);
        var dst = new FloatPlane(r.Width, r.Height);
        CopyRegion<float>(plane.Data, plane.Width, plane.Height, dst.Data, r, 0);
        return dst;
    }

    /// <summary>Exactly <paramref name="rect"/>; the parts outside the image are <paramref name="fill"/>.</summary>
    public static RgbaImage CropPadded(this RgbaImage img, Rect rect, Rgba32 fill = default)
    {
        var dst = new RgbaImage(rect.Width, rect.Height);
        CopyRegion<Rgba32>(img.Pixels, img.Width, img.Height, dst.Pixels, rect, fill);
        return dst;
    }

    public static FloatPlane CropPadded(this FloatPlane plane, Rect rect, float fill = 0)
    {
        var dst = new FloatPlane(rect.Width, rect.Height);
        CopyRegion<float>(plane.Data, plane.Width, plane.Height, dst.Data, rect, fill);
        return dst;
    }

    public static RgbaImage Pad(this RgbaImage img, int left, int top, int right, int bottom, Rgba32 fill = default) =>
        img.CropPadded(new Rect(-left, -top, img.Width + left + right, img.Height + top + bottom), fill);

    public static FloatPlane Pad(this FloatPlane plane, int left, int top, int right, int bottom, float fill = 0) =>
        plane.CropPadded(new Rect(-left, -top, plane.Width + left + right, plane.Height + top + bottom), fill);

    public static RgbaImage FlipHorizontal(this RgbaImage img) => img.Orient(2);
    public static RgbaImage FlipVertical(this RgbaImage img) => img.Orient(4);
    /// <summary>Rotates clockwise by 90 degrees.</summary>
    public static RgbaImage Rotate90(this RgbaImage img) => img.Orient(6);
    public static RgbaImage Rotate180(this RgbaImage img) => img.Orient(3);
    /// <summary>Rotates clockwise by 270 degrees (counter-clockwise by 90).</summary>
    public static RgbaImage Rotate270(this RgbaImage img) => img.Orient(8);
    /// <summary>Swaps x and y (mirror along the main diagonal).</summary>
    public static RgbaImage Transpose(this RgbaImage img) => img.Orient(5);

    public static FloatPlane FlipHorizontal(this FloatPlane plane) => plane.Orient(2);
    public static FloatPlane FlipVertical(this FloatPlane plane) => plane.Orient(4);
    public static FloatPlane Rotate90(this FloatPlane plane) => plane.Orient(6);
    public static FloatPlane Rotate180(this FloatPlane plane) => plane.Orient(3);
    public static FloatPlane Rotate270(this FloatPlane plane) => plane.Orient(8);
    public static FloatPlane Transpose(this FloatPlane plane) => plane.Orient(5);

    /// <summary>
    /// Turns a stored image upright given its EXIF Orientation tag (1..8). Values outside 1..8 are
    /// treated as 1 and return an unchanged copy.
    /// </summary>
    public static RgbaImage ApplyExifOrientation(this RgbaImage img, int orientation) => img.Orient(orientation);

    static RgbaImage Orient(this RgbaImage img, int orientation)
    {
        var map = OrientationMap.For(orientation, img.Width, img.Height);
        var dst = new RgbaImage(map.Width, map.Height);
        map.Apply<Rgba32>(img.Pixels, img.Width, img.Height, dst.Pixels);
        return dst;
    }

    static FloatPlane Orient(this FloatPlane plane, int orientation)
    {
        var map = OrientationMap.For(orientation, plane.Width, plane.Height);
        var dst = new FloatPlane(map.Width, map.Height);
        map.Apply<float>(plane.Data, plane.Width, plane.Height, dst.Data);
        return dst;
    }

    static Rect ClipOrThrow(Rect rect, int width, int height)
    {
        var r = rect.Intersect(new Rect(0, 0, width, height));
        if (r.IsEmpty) throw new ArgumentException($"crop {rect} lies outside the {width}x{height} image", nameof(rect));
        return r;
    }

    static void CopyRegion<T>(ReadOnlySpan<T> src, int width, int height, Span<T> dst, Rect rect, T fill)
    {
        if (rect.IsEmpty) throw new ArgumentException($"crop {rect} is empty", nameof(rect));
        var inside = rect.Intersect(new Rect(0, 0, width, height));
        if (inside != rect) dst.Fill(fill);
        if (inside.IsEmpty) return;
        for (int y = inside.Y; y < inside.Bottom; y++)
        {
            src.Slice(y * width + inside.X, inside.Width)
               .CopyTo(dst.Slice((y - rect.Y) * rect.Width + inside.X - rect.X));
        }
    }

    /// <summary>
    /// One of the eight EXIF orientations as an index map: source (x, y) lands at
    /// <c>Start + x * StepX + y * StepY</c> in the destination buffer.
    /// </summary>
    readonly record struct OrientationMap(int Width, int Height, int Start, int StepX, int StepY)
    {
        public static OrientationMap For(int orientation, int w, int h) => orientation switch
        {
            2 => new(w, h, w - 1, -1, w),                 // mirror left-right
            3 => new(w, h, w * h - 1, -1, -w),            // rotate 180
            4 => new(w, h, (h - 1) * w, 1, -w),           // mirror top-bottom
            5 => new(h, w, 0, h, 1),                      // transpose
            6 => new(h, w, h - 1, h, -1),                 // rotate 90 clockwise
            7 => new(h, w, w * h - 1, -h, -1),            // transverse
            8 => new(h, w, (w - 1) * h, -h, 1),           // rotate 270 clockwise
            _ => new(w, h, 0, 1, w),
        };

        public void Apply<T>(ReadOnlySpan<T> src, int w, int h, Span<T> dst)
        {
            for (int y = 0; y < h; y++)
            {
                var row = src.Slice(y * w, w);
                int i = Start + y * StepY;
                for (int x = 0; x < w; x++, i += StepX) dst[i] = row[x];
            }
        }
    }
}
