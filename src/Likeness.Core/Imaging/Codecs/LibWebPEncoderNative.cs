using System.Runtime.InteropServices;
using Likeness.Native;

namespace Likeness.Imaging.Codecs;

/// <summary>
/// WebPConfig: only the leading fields and `exact` (index 24, stable since libwebp 0.5) are named; the rest is
/// opaque and oversized so newer libraries with more trailing fields still fit. The library fills it in.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct WebPConfig
{
    public int Lossless;
    public float Quality;
    public int Method;
    fixed int _imageHintToNearLossless[21];
    /// <summary>Keep RGB under fully transparent pixels (the simple API drops it).</summary>
    public int Exact;
    fixed int _tailAndHeadroom[39];
}

/// <summary>WebPPicture as declared in libwebp 1.x encode.h: 256 bytes on 64-bit.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct WebPPicture
{
    public int UseArgb;
    public int Colorspace;
    public int Width;
    public int Height;
    public byte* Y, U, V;
    public int YStride, UvStride;
    public byte* A;
    public int AStride;
    fixed uint _pad1[2];
    public uint* Argb;
    public int ArgbStride;
    fixed uint _pad2[3];
    public IntPtr Writer;
    public void* CustomPtr;
    public int ExtraInfoType;
    public byte* ExtraInfo;
    public void* Stats;
    public int ErrorCode;
    public IntPtr ProgressHook;
    public void* UserData;
    fixed uint _pad3[3];
    public byte* Pad4, Pad5;
    fixed uint _pad6[8];
    public void* Memory;
    public void* MemoryArgb;
    fixed ulong _pad7[2];
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct WebPMemoryWriter
{
    public byte* Mem;
    public nuint Size;
    public nuint MaxSize;
    fixed uint _pad[2];
}

/// <summary>libwebp's advanced encoding API, used where the simple one cannot do the job (exact lossless).</summary>
internal static unsafe class LibWebPEncoderNative
{
    /// <summary>WEBP_ENCODER_ABI_VERSION of libwebp 1.2; only the major byte is checked by the library.</summary>
    public const int EncoderAbiVersion = 0x020F;

    [DllImport(NativeLibraries.WebP)] public static extern int WebPConfigInitInternal(WebPConfig* config, int preset, float quality, int version);
    [DllImport(NativeLibraries.WebP)] public static extern int WebPValidateConfig(WebPConfig* config);
    [DllImport(NativeLibraries.WebP)] public static extern int WebPPictureInitInternal(WebPPicture* picture, int version);
    [DllImport(NativeLibraries.WebP)] public static extern int WebPPictureImportRGBA(WebPPicture* picture, byte* rgba, int stride);
    [DllImport(NativeLibraries.WebP)] public static extern void WebPPictureFree(WebPPicture* picture);
    [DllImport(NativeLibraries.WebP)] public static extern void WebPMemoryWriterInit(WebPMemoryWriter* writer);
    [DllImport(NativeLibraries.WebP)] public static extern void WebPMemoryWriterClear(WebPMemoryWriter* writer);
    [DllImport(NativeLibraries.WebP)] public static extern int WebPEncode(WebPConfig* config, WebPPicture* picture);

    /// <summary>WebPEncodingError in words.</summary>
    public static string DescribeError(int code) => code switch
    {
        1 => "out of memory",
        2 => "out of memory while flushing bits",
        3 => "null parameter",
        4 => "invalid configuration",
        5 => "bad dimension",
        6 => "partition 0 over 512 KiB",
        7 => "partition over 16 MiB",
        8 => "write error",
        9 => "file over 4 GiB",
        10 => "aborted",
        _ => $"error {code}",
    };
}
