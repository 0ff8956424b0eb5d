using System.Numerics;
using System.Runtime.InteropServices;
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

    /// <summary>
    /// Resizes straight into an NCHW RGB float tensor (3 x <paramref name="width"/> x <paramref name="height"/>): the
    /// filter of <see cref="Resize(RgbaImage, int, int, ResizeMethod, bool)"/> without the round trip through bytes
    /// and a second pass to spread the channels (ISNet's 1024x1024 input from a 512x512 photo: 75-130 ms before, on
    /// 2 cores). Colours are not rounded to whole levels on the way, so values differ from resizing and then
    /// <see cref="Tensors.ImageTensor.ToTensor(RgbaImage, Span{float}, Tensors.TensorLayout, Tensors.ChannelOrder, Tensors.TensorNormalization)"/>
    /// by under half a level.
    /// </summary>
    public static void ResizeToTensor(this RgbaImage img, int width, int height, float[] nchw, Tensors.TensorNormalization norm,
        ResizeMethod method = ResizeMethod.Bilinear)
    {
        norm.Validate();
        int plane = width * height;
        if (nchw.Length < 3 * plane) throw new ArgumentException($"the tensor needs 3 x {width} x {height} floats, has {nchw.Length}", nameof(nchw));
        bool premultiplied = !img.IsOpaque();
        var (tx, ty) = BuildTaps(img.Width, img.Height, width, height, method);
        var scale = new Vector3(norm.PixelScale / norm.Std[0], norm.PixelScale / norm.Std[1], norm.PixelScale / norm.Std[2]);
        var offset = new Vector3(-norm.Mean[0] / norm.Std[0], -norm.Mean[1] / norm.Std[1], -norm.Mean[2] / norm.Std[2]);
        SeparablePass.Run(img.Stride, width * 4, ty,
            (y, row) => PixelRows.ToFloat(img.Row(y), row, premultiplied),
            () => SeparablePass.Gather(tx, 4),
            (y, row) =>
            {
                var pixels = MemoryMarshal.Cast<float, Vector4>(row);
                int at = y * width;
                for (int x = 0; x < width; x++, at++)
                {
                    var p = pixels[x];
                    if (premultiplied) p = p.W < 0.5f ? Vector4.Zero : p * (255f / p.W); // as Resize's bytes: no alpha, no colour
                    var v = new Vector3(p.X, p.Y, p.Z) * scale + offset;
                    nchw[at] = v.X;
                    nchw[plane + at] = v.Y;
                    nchw[2 * plane + at] = v.Z;
                }
            });
    }

    static (Taps X, Taps Y) BuildTaps(int srcW, int srcH, int dstW, int dstH, ResizeMethod method)
    {
        if (dstW <= 0 || dstH <= 0) throw new ArgumentOutOfRangeException(nameof(dstW), $"target size must be positive, got {dstW}x{dstH}");
        return method == ResizeMethod.Area
            ? (Taps.Area(srcW, dstW), Taps.Area(srcH, dstH))
            : (Taps.Linear(srcW, dstW), Taps.Linear(srcH, dstH));
    }
}
