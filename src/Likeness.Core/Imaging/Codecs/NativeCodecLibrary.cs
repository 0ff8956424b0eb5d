using System.Runtime.InteropServices;
using Likeness.Native;

namespace Likeness.Imaging.Codecs;

/// <summary>Checks a codec library loads before the first P/Invoke, so users see the install hint, not a DllNotFoundException.</summary>
internal static class NativeCodecLibrary
{
    // A benign race: two threads may both probe once before the flag is set.
    static bool _turboJpeg, _png, _webp;

    public static void RequireTurboJpeg() => Require(NativeLibraries.TurboJpeg, ref _turboJpeg);
    public static void RequirePng() => Require(NativeLibraries.Png, ref _png);
    public static void RequireWebP() => Require(NativeLibraries.WebP, ref _webp);

    static IntPtr _webpMemoryWrite;

    /// <summary>Address of libwebp's WebPMemoryWrite, the writer callback for the advanced encoder.</summary>
    public static IntPtr WebPMemoryWrite()
    {
        if (_webpMemoryWrite != IntPtr.Zero) return _webpMemoryWrite;
        if (!NativeLibraries.TryLoad(NativeLibraries.WebP, out var handle, out _))
            throw new ImageCodecException(NativeLibraries.InstallHint(NativeLibraries.WebP));
        return _webpMemoryWrite = NativeLibrary.GetExport(handle, "WebPMemoryWrite");
    }

    static void Require(string name, ref bool loaded)
    {
        if (loaded) return;
        NativeLibraries.EnsureResolver();
        if (!NativeLibraries.TryLoad(name, out _, out _))
            throw new ImageCodecException(NativeLibraries.InstallHint(name));
        loaded = true;
    }
}
