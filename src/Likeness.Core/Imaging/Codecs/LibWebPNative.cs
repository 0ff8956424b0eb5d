using System.Runtime.InteropServices;
using Likeness.Native;

namespace Likeness.Imaging.Codecs;

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct WebPBitstreamFeatures
{
    public int Width;
    public int Height;
    public int HasAlpha;
    public int HasAnimation;
    public int Format;
    fixed uint _pad[5];
}

internal static unsafe class LibWebPNative
{
    /// <summary>WEBP_DECODER_ABI_VERSION of libwebp 1.x; only the major byte is checked by the library.</summary>
    const int DecoderAbiVersion = 0x0209;

    [DllImport(NativeLibraries.WebP)] static extern int WebPGetFeaturesInternal(byte* data, nuint size, WebPBitstreamFeatures* features, int version);
    [DllImport(NativeLibraries.WebP)] public static extern byte* WebPDecodeRGBAInto(byte* data, nuint size, byte* output, nuint outputSize, int stride);
    [DllImport(NativeLibraries.WebP)] public static extern nuint WebPEncodeRGBA(byte* rgba, int width, int height, int stride, float quality, byte** output);
    [DllImport(NativeLibraries.WebP)] public static extern nuint WebPEncodeLosslessRGBA(byte* rgba, int width, int height, int stride, byte** output);
    [DllImport(NativeLibraries.WebP)] public static extern void WebPFree(void* pointer);

    public static int GetFeatures(byte* data, nuint size, WebPBitstreamFeatures* features)
        => WebPGetFeaturesInternal(data, size, features, DecoderAbiVersion);

    /// <summary>VP8StatusCode in words.</summary>
    public static string Describe(int status) => status switch
    {
        1 => "out of memory",
        2 => "invalid parameter",
        3 => "bitstream error",
        4 => "unsupported feature",
        5 => "suspended",
        6 => "user abort",
        7 => "not enough data: file is truncated",
        _ => $"status {status}",
    };
}
