using Likeness.Imaging.Internal;

namespace Likeness.Imaging.Tensors;

/// <summary>ONNX pre/post-processing: RGBA images to and from float tensors (alpha is ignored).</summary>
public static class ImageTensor
{
    /// <summary>Writes the whole image; <paramref name="dest"/> needs 3 x Width x Height floats.</summary>
    public static void ToTensor(RgbaImage img, Span<float> dest, TensorLayout layout, ChannelOrder order, TensorNormalization norm) =>
        ToTensor(img, new Rect(0, 0, img.Width, img.Height), dest, layout, order, norm);

    /// <inheritdoc cref="ToTensor(RgbaImage, Span{float}, TensorLayout, ChannelOrder, TensorNormalization)"/>
    /// <param name="pixelScale">Multiplies the byte before mean and std apply (1/255 for means such as 0.485).</param>
    public static void ToTensor(RgbaImage img, Span<float> dest, TensorLayout layout, ChannelOrder order,
        float[] mean, float[] std, float pixelScale = 1f / 255f) =>
        ToTensor(img, dest, layout, order, new TensorNormalization(pixelScale, mean, std));

    /// <summary>
    /// Writes <paramref name="region"/> (inside the image) as a 3 x region.Height x region.Width tensor.
    /// Each byte goes through a per-channel lookup table, so the loop is one load and one store per value.
    /// </summary>
    public static void ToTensor(RgbaImage img, Rect region, Span<float> dest, TensorLayout layout, ChannelOrder order, TensorNormalization norm)
    {
        norm.Validate();
        if (region.IsEmpty || !new Rect(0, 0, img.Width, img.Height).Contains(region))
            throw new ArgumentOutOfRangeException(nameof(region), $"{region} is not inside the {img.Width}x{img.Height} image");
        int w = region.Width, h = region.Height, plane = w * h;
        if (dest.Length < 3 * plane) throw new ArgumentException($"tensor span holds {dest.Length} floats, needs {3 * plane}", nameof(dest));

        // lut[k] serves tensor channel k, which reads colour channel src[k].
        int[] src = order == ChannelOrder.Rgb ? [0, 1, 2] : [2, 1, 0];
        float[] t0 = norm.Table(src[0]), t1 = norm.Table(src[1]), t2 = norm.Table(src[2]);
        int o0 = src[0], o1 = src[1], o2 = src[2];

        unsafe
        {
            fixed (float* tensor = dest)
            {
                float* basePtr = tensor;
                ParallelRows.For(h, plane, (first, end) =>
                {
                    for (int y = first; y < end; y++)
                    {
                        var row = img.Row(region.Y + y).Slice(region.X * 4, w * 4);
                        if (layout == TensorLayout.Nchw)
                        {
                            var c0 = new Span<float>(basePtr + y * w, w);
                            var c1 = new Span<float>(basePtr + plane + y * w, w);
                            var c2 = new Span<float>(basePtr + 2 * plane + y * w, w);
                            for (int x = 0, i = 0; x < c0.Length; x++, i += 4)
                            {
                                c0[x] = t0[row[i + o0]];
                                c1[x] = t1[row[i + o1]];
                                c2[x] = t2[row[i + o2]];
                            }
                        }
                        else
                        {
                            var line = new Span<float>(basePtr + y * w * 3, w * 3);
                            for (int j = 0, i = 0; j < line.Length; j += 3, i += 4)
                            {
                                line[j] = t0[row[i + o0]];
                                line[j + 1] = t1[row[i + o1]];
                                line[j + 2] = t2[row[i + o2]];
                            }
                        }
                    }
                });
            }
        }
    }

    /// <summary>Allocates and fills a tensor for the whole image.</summary>
    public static float[] ToTensor(RgbaImage img, TensorLayout layout, ChannelOrder order, TensorNormalization norm)
    {
        var t = new float[3 * img.Width * img.Height];
        ToTensor(img, t, layout, order, norm);
        return t;
    }

    /// <summary>The inverse of <see cref="ToTensor(RgbaImage, Span{float}, TensorLayout, ChannelOrder, TensorNormalization)"/>: an opaque image from a 3-channel tensor.</summary>
    public static RgbaImage ToImage(ReadOnlySpan<float> src, int width, int height, TensorLayout layout, ChannelOrder order, TensorNormalization norm)
    {
        norm.Validate();
        int plane = width * height;
        if (src.Length < 3 * plane) throw new ArgumentException($"tensor holds {src.Length} floats, {width}x{height}x3 needs {3 * plane}", nameof(src));
        var img = new RgbaImage(width, height);
        var d = img.Data;
        int[] channelOf = order == ChannelOrder.Rgb ? [0, 1, 2] : [2, 1, 0];
        for (int k = 0; k < 3; k++)
        {
            int c = channelOf[k];
            float scale = norm.Std[c] / norm.PixelScale, offset = norm.Mean[c] / norm.PixelScale;
            for (int p = 0; p < plane; p++)
            {
                float v = src[layout == TensorLayout.Nchw ? k * plane + p : p * 3 + k] * scale + offset;
                d[p * 4 + c] = (byte)Math.Clamp(v + 0.5f, 0f, 255f);
            }
        }
        for (int p = 0; p < plane; p++) d[p * 4 + 3] = 255;
        return img;
    }

    /// <summary>A single-channel tensor (e.g. a mask output) as a plane; values are copied unchanged.</summary>
    public static FloatPlane ToPlane(ReadOnlySpan<float> src, int width, int height)
    {
        var plane = new FloatPlane(width, height);
        src[..(width * height)].CopyTo(plane.Data);
        return plane;
    }
}
