namespace Likeness.Imaging.Color;

/// <summary>The sRGB transfer curve (IEC 61966-2-1), exact and as byte lookup tables.</summary>
public static class Srgb
{
    const int LinearSteps = 16383;

    static readonly float[] ByteToLinearTable = BuildByteToLinear();
    static readonly byte[] LinearToByteTable = BuildLinearToByte();

    /// <summary>Encoded 0..1 to linear light 0..1.</summary>
    public static float ToLinear(float encoded) =>
        encoded <= 0.04045f ? encoded / 12.92f : MathF.Pow((encoded + 0.055f) / 1.055f, 2.4f);

    /// <summary>Linear light 0..1 to encoded 0..1.</summary>
    public static float FromLinear(float linear) =>
        linear <= 0.0031308f ? linear * 12.92f : 1.055f * MathF.Pow(linear, 1f / 2.4f) - 0.055f;

    /// <summary>Linear light (0..1) of an 8-bit sRGB value.</summary>
    public static float ByteToLinear(byte encoded) => ByteToLinearTable[encoded];

    /// <summary>256 linear values, indexed by byte.</summary>
    public static ReadOnlySpan<float> ByteToLinearLut => ByteToLinearTable;

    /// <summary>Nearest 8-bit sRGB value for linear light; input is clamped to 0..1.</summary>
    public static byte LinearToByte(float linear)
    {
        if (!(linear > 0)) return 0;
        if (linear >= 1) return 255;
        return LinearToByteTable[(int)(linear * LinearSteps + 0.5f)];
    }

    static float[] BuildByteToLinear()
    {
        var t = new float[256];
        for (int i = 0; i < 256; i++) t[i] = (float)ToLinearExact(i / 255.0);
        return t;
    }

    // A 16K-entry table keeps the error under a quarter level even in the steep dark end of the curve.
    static byte[] BuildLinearToByte()
    {
        var t = new byte[LinearSteps + 1];
        for (int i = 0; i <= LinearSteps; i++)
        {
            double l = (double)i / LinearSteps;
            double e = l <= 0.0031308 ? l * 12.92 : 1.055 * Math.Pow(l, 1 / 2.4) - 0.055;
            t[i] = (byte)Math.Clamp(Math.Round(e * 255), 0, 255);
        }
        return t;
    }

    static double ToLinearExact(double e) => e <= 0.04045 ? e / 12.92 : Math.Pow((e + 0.055) / 1.055, 2.4);
}
