namespace Likeness.Imaging.Tensors;

public enum TensorLayout
{
    /// <summary>Planar: all of channel 0, then channel 1, then channel 2 (PyTorch style).</summary>
    Nchw,
    /// <summary>Interleaved: channels vary fastest (TensorFlow style).</summary>
    Nhwc,
}

public enum ChannelOrder { Rgb, Bgr }

/// <summary>
/// Maps a pixel byte to a model input: <c>(pixel * PixelScale - Mean[c]) / Std[c]</c>.
/// <see cref="Mean"/> and <see cref="Std"/> are indexed by colour (0 = red, 1 = green, 2 = blue)
/// whatever the tensor's channel order.
/// </summary>
public sealed record TensorNormalization(float PixelScale, float[] Mean, float[] Std)
{
    /// <summary>0..1, as torchvision ToTensor.</summary>
    public static TensorNormalization ZeroToOne { get; } = new(1f / 255f, [0, 0, 0], [1, 1, 1]);

    /// <summary>-1..1, i.e. (p - 127.5) / 127.5 (ArcFace, many GANs).</summary>
    public static TensorNormalization MinusOneToOne { get; } = new(1f / 255f, [0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]);

    /// <summary>ImageNet mean/std on 0..1 pixels.</summary>
    public static TensorNormalization ImageNet { get; } = new(1f / 255f, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>Raw 0..255 values.</summary>
    public static TensorNormalization Raw { get; } = new(1f, [0, 0, 0], [1, 1, 1]);

    /// <summary>The model value for every byte of colour channel <paramref name="c"/>.</summary>
    internal float[] Table(int c)
    {
        var t = new float[256];
        for (int v = 0; v < 256; v++) t[v] = (v * PixelScale - Mean[c]) / Std[c];
        return t;
    }

    internal void Validate()
    {
        if (Mean.Length != 3 || Std.Length != 3) throw new ArgumentException("mean and std need three values (R, G, B)");
        if (Std.Any(s => s == 0)) throw new ArgumentException("std must be non-zero");
    }
}
