using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Likeness.Imaging.Internal;

/// <summary>Conversions between RGBA8 rows and interleaved float rows in the 0..255 range.</summary>
internal static class PixelRows
{
    public static void ToFloat(ReadOnlySpan<byte> rgba, Span<float> dest, bool premultiply)
    {
        TensorPrimitives.ConvertChecked<byte, float>(rgba, dest);
        if (!premultiply) return;
        foreach (ref var p in MemoryMarshal.Cast<float, Vector4>(dest))
        {
            float a = p.W * (1f / 255f);
            p = new Vector4(p.X * a, p.Y * a, p.Z * a, p.W);
        }
    }

    public static void ToBytes(ReadOnlySpan<float> src, Span<byte> rgba, bool unpremultiply)
    {
        var pixels = MemoryMarshal.Cast<float, Vector4>(src);
        var max = new Vector4(255f);
        for (int i = 0; i < pixels.Length; i++)
        {
            var p = pixels[i];
            if (unpremultiply)
            {
                if (p.W < 0.5f) p = Vector4.Zero; // alpha rounds to 0: colour is meaningless
                else
                {
                    float s = 255f / p.W;
                    p = new Vector4(p.X * s, p.Y * s, p.Z * s, p.W);
                }
            }
            p = Vector4.Clamp(p + new Vector4(0.5f), Vector4.Zero, max);
            int o = i * 4;
            rgba[o] = (byte)p.X;
            rgba[o + 1] = (byte)p.Y;
            rgba[o + 2] = (byte)p.Z;
            rgba[o + 3] = (byte)p.W;
        }
    }
}
