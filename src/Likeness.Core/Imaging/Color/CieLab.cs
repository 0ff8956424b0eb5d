using System.Numerics;

namespace Likeness.Imaging.Color;

/// <summary>A CIELAB colour: L in 0..100, a and b roughly -128..127.</summary>
public readonly record struct Lab(float L, float A, float B)
{
    public Vector3 ToVector3() => new(L, A, B);
    public static Lab FromVector3(Vector3 v) => new(v.X, v.Y, v.Z);
}

/// <summary>sRGB (D65) to and from CIELAB through linear RGB and CIE XYZ.</summary>
public static class CieLab
{
    // D65 reference white, Y normalised to 1.
    const float Xn = 0.95047f, Yn = 1f, Zn = 1.08883f;
    const float Epsilon = 216f / 24389f, Kappa = 24389f / 27f;

    public static Lab FromRgb(Rgba32 c) =>
        FromLinearRgb(new Vector3(Srgb.ByteToLinear(c.R), Srgb.ByteToLinear(c.G), Srgb.ByteToLinear(c.B)));

    public static Lab FromRgb(byte r, byte g, byte b) => FromRgb(new Rgba32(r, g, b));

    /// <summary>Nearest sRGB byte colour; out-of-gamut values are clipped per channel.</summary>
    public static Rgba32 ToRgb(Lab lab, byte alpha = 255)
    {
        var rgb = ToLinearRgb(lab);
        return new Rgba32(Srgb.LinearToByte(rgb.X), Srgb.LinearToByte(rgb.Y), Srgb.LinearToByte(rgb.Z), alpha);
    }

    public static Lab FromLinearRgb(Vector3 rgb)
    {
        float x = 0.4124564f * rgb.X + 0.3575761f * rgb.Y + 0.1804375f * rgb.Z;
        float y = 0.2126729f * rgb.X + 0.7151522f * rgb.Y + 0.0721750f * rgb.Z;
        float z = 0.0193339f * rgb.X + 0.1191920f * rgb.Y + 0.9503041f * rgb.Z;
        float fx = F(x / Xn), fy = F(y / Yn), fz = F(z / Zn);
        return new Lab(116f * fy - 16f, 500f * (fx - fy), 200f * (fy - fz));
    }

    public static Vector3 ToLinearRgb(Lab lab)
    {
        float fy = (lab.L + 16f) / 116f;
        float fx = fy + lab.A / 500f;
        float fz = fy - lab.B / 200f;
        float x = Xn * FInverse(fx), y = Yn * FInverse(fy), z = Zn * FInverse(fz);
        return new Vector3(
            3.2404542f * x - 1.5371385f * y - 0.4985314f * z,
            -0.9692660f * x + 1.8760108f * y + 0.0415560f * z,
            0.0556434f * x - 0.2040259f * y + 1.0572252f * z);
    }

    static float F(float t) => t > Epsilon ? Cbrt(t) : (Kappa * t + 16f) / 116f;

    /// <summary>
    /// Cube root for positive t: a bit-level first guess (exponent divided by 3, within a few percent),
    /// then three Newton steps, good to float precision. Several times faster than MathF.Cbrt,
    /// which dominates Lab conversion otherwise.
    /// </summary>
    internal static float Cbrt(float t)
    {
        float y = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(t) / 3 + 709921077);
        y -= (y * y * y - t) / (3f * y * y);
        y -= (y * y * y - t) / (3f * y * y);
        y -= (y * y * y - t) / (3f * y * y);
        return y;
    }

    static float FInverse(float f)
    {
        float f3 = f * f * f;
        return f3 > Epsilon ? f3 : (116f * f - 16f) / Kappa;
    }
}
