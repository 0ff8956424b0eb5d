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

    static void Require(string name, ref bool loaded)
    {
        if (loaded) return;
        NativeLibraries.EnsureResolver();
        if (!NativeLibraries.TryLoad(name, out _, out _))
            throw new ImageCodecException(NativeLibraries.InstallHint(name));
        loaded = true;
    }
}
