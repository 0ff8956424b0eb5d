using Likeness.Imaging.Internal;

namespace Likeness.Imaging.Transforms;

public enum ResizeMethod
{
    /// <summary>Pixel-centre aligned bilinear, like OpenCV INTER_LINEAR (src = (dst + 0.5) * scale - 0.5).</summary>
    Bilinear,
    /// <summary>Box averaging for shrinking, like OpenCV INTER_AREA; exact means for integer factors. Enlarges bilinearly.</summary>
    Area,
}

public static class Resizing
{
    /// <summary>
    /// Resizes to <paramref name="width"/> x <paramref name="height"/>. With <paramref name="premultiplyAlpha"/>
    /// colours are weighted by alpha, so fully transparent pixels contribute no colour to their neighbours.
    /// </summary>
    public static RgbaImage Resize(this RgbaImage img, int width, int height,
        ResizeMethod method = ResizeMethod.Bilinear, bool premultiplyAlpha = true)
    {
        var dst = new RgbaImage(width, height);
        bool premultiply = premultiplyAlpha && !img.IsOpaque();
        var (tx, ty) = BuildTaps(img.Width, img.Height, width, height, method);
        SeparablePass.Run(img.Stride, dst.Stride, ty,
            (y, row) => PixelRows.ToFloat(img.Row(y), row, premultiply),
            () => SeparablePass.Gather(tx, 4),
            (y, row) => PixelRows.ToBytes(row, dst.Row(y), premultiply));
        return dst;
    }

    public static FloatPlane Resize(this FloatPlane plane, int width, int height, ResizeMethod method = ResizeMethod.Bilinear)
    {
        var dst = new FloatPlane(width, height);
        var (tx, ty) = BuildTaps(plane.Width, plane.Height, width, height, method);
        SeparablePass.Run(plane.Width, width, ty,
            (y, row) => plane.Row(y).CopyTo(row),
            () => SeparablePass.Gather(tx, 1),
            (y, row) => row.CopyTo(dst.Row(y)));
        return dst;
    }

    static (Taps X, Taps Y) BuildTaps(int srcW, int srcH, int dstW, int dstH, ResizeMethod method)
    {
        if (dstW <= 0 || dstH <= 0) throw new ArgumentOutOfRangeException(nameof(dstW), $"target size must be positive, got {dstW}x{dstH}");
        return method == ResizeMethod.Area
            ? (Taps.Area(srcW, dstW), Taps.Area(srcH, dstH))
            : (Taps.Linear(srcW, dstW), Taps.Linear(srcH, dstH));
    }
}
