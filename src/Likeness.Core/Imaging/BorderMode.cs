namespace Likeness.Imaging;

/// <summary>How pixels outside the image are read when sampling (names follow OpenCV).</summary>
public enum BorderMode
{
    /// <summary>A fixed value (iiiiii|abcdefgh|iiiiiii).</summary>
    Constant,
    /// <summary>The nearest edge pixel (aaaaaa|abcdefgh|hhhhhhh).</summary>
    Replicate,
    /// <summary>Mirror including the edge pixel (fedcba|abcdefgh|hgfedcb).</summary>
    Reflect,
    /// <summary>Mirror without repeating the edge pixel (gfedcb|abcdefgh|gfedcba).</summary>
    Reflect101,
}

internal static class BorderIndex
{
    /// <summary>Maps an index into [0, size) for the given mode; returns -1 for <see cref="BorderMode.Constant"/> outside.</summary>
    public static int Resolve(int i, int size, BorderMode mode)
    {
        if ((uint)i < (uint)size) return i;
        switch (mode)
        {
            case BorderMode.Replicate:
                return i < 0 ? 0 : size - 1;
            case BorderMode.Reflect:
            {
                int period = 2 * size;
                i %= period;
                if (i < 0) i += period;
                return i < size ? i : period - 1 - i;
            }
            case BorderMode.Reflect101:
            {
                if (size == 1) return 0;
                int period = 2 * size - 2;
                i %= period;
                if (i < 0) i += period;
                return i < size ? i : period - i;
            }
            default:
                return -1;
        }
    }
}
