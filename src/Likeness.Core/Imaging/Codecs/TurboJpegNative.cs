using System.Runtime.InteropServices;
using Likeness.Native;

namespace Likeness.Imaging.Codecs;

/// <summary>TurboJPEG 2.x API (Debian's libturbojpeg0 2.1.5 has no tj3 functions). `unsigned long` is CULong.</summary>
internal static unsafe class TurboJpegNative
{
    public const int PixelFormatRgba = 7;  // TJPF_RGBA
    public const int PixelFormatCmyk = 11; // TJPF_CMYK
    public const int ColorspaceCmyk = 3;   // TJCS_CMYK
    public const int ColorspaceYcck = 4;   // TJCS_YCCK
    public const int Subsampling420 = 2;   // TJSAMP_420
    public const int ErrorFatal = 1;       // TJERR_FATAL

    [DllImport(NativeLibraries.TurboJpeg)] public static extern IntPtr tjInitDecompress();
    [DllImport(NativeLibraries.TurboJpeg)] public static extern IntPtr tjInitCompress();
    [DllImport(NativeLibraries.TurboJpeg)] public static extern int tjDestroy(IntPtr handle);
    [DllImport(NativeLibraries.TurboJpeg)] public static extern byte* tjGetErrorStr2(TurboJpegHandle handle);
    [DllImport(NativeLibraries.TurboJpeg)] public static extern int tjGetErrorCode(TurboJpegHandle handle);
    [DllImport(NativeLibraries.TurboJpeg)] public static extern void tjFree(byte* buffer);

    [DllImport(NativeLibraries.TurboJpeg)]
    public static extern int tjDecompressHeader3(TurboJpegHandle handle, byte* jpeg, CULong jpegSize,
        int* width, int* height, int* subsampling, int* colorspace);

    [DllImport(NativeLibraries.TurboJpeg)]
    public static extern int tjDecompress2(TurboJpegHandle handle, byte* jpeg, CULong jpegSize,
        byte* destination, int width, int pitch, int height, int pixelFormat, int flags);

    [DllImport(NativeLibraries.TurboJpeg)]
    public static extern int tjCompress2(TurboJpegHandle handle, byte* source, int width, int pitch, int height, int pixelFormat,
        byte** jpeg, CULong* jpegSize, int subsampling, int quality, int flags);

    public static string LastError(TurboJpegHandle handle)
        => Marshal.PtrToStringUTF8((IntPtr)tjGetErrorStr2(handle))?.Trim() ?? "unknown error";
}

/// <summary>A tjhandle; not thread-safe, so <see cref="JpegCodec"/> uses one per call.</summary>
internal sealed class TurboJpegHandle : Microsoft.Win32.SafeHandles.SafeHandleZeroOrMinusOneIsInvalid
{
    public TurboJpegHandle() : base(ownsHandle: true) { }

    public static TurboJpegHandle Create(IntPtr raw, string what)
    {
        if (raw == IntPtr.Zero) throw new ImageCodecException($"libturbojpeg could not create a {what} handle (out of memory?)");
        var handle = new TurboJpegHandle();
        handle.SetHandle(raw);
        return handle;
    }

    protected override bool ReleaseHandle() => TurboJpegNative.tjDestroy(handle) == 0;
}
