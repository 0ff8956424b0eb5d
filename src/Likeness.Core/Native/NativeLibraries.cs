using System.Reflection;
using System.Runtime.InteropServices;

namespace Likeness.Native;

/// <summary>
/// Resolves the native libraries this assembly P/Invokes (TurboJPEG, libpng, libwebp).
/// Debian runtime packages ship only versioned sonames, so the default probing would miss them.
/// ONNX Runtime is not here: the Microsoft.ML.OnnxRuntime package loads its own native library.
/// One resolver per assembly is all .NET allows.
/// </summary>
public static class NativeLibraries
{
    public const string TurboJpeg = "turbojpeg";
    public const string Png = "png16";
    public const string WebP = "webp";

    static readonly Dictionary<string, string[]> Sonames = new()
    {
        [TurboJpeg] = ["libturbojpeg.so.0", "libturbojpeg.so", "turbojpeg.dll", "libturbojpeg.dylib"],
        [Png] = ["libpng16.so.16", "libpng16.so", "libpng16.dll", "libpng16.dylib"],
        [WebP] = ["libwebp.so.7", "libwebp.so", "libwebp.dll", "libwebp.dylib"],
    };

    static readonly object Gate = new();
    static bool _installed;

    public static void EnsureResolver()
    {
        lock (Gate)
        {
            if (_installed) return;
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
            _installed = true;
        }
    }

    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
        => TryLoad(name, out var handle, out _) ? handle : IntPtr.Zero;

    /// <summary>Candidate file paths or sonames for a logical library, in lookup order.</summary>
    public static IEnumerable<string> Candidates(string name)
    {
        if (Sonames.TryGetValue(name, out var names))
            foreach (var so in names) yield return so;
        else
            yield return name;
    }

    public static bool TryLoad(string name, out IntPtr handle, out string? loadedFrom)
    {
        foreach (var candidate in Candidates(name))
        {
            if (Path.IsPathRooted(candidate) && !File.Exists(candidate)) continue;
            if (NativeLibrary.TryLoad(candidate, out handle)) { loadedFrom = candidate; return true; }
        }
        handle = IntPtr.Zero;
        loadedFrom = null;
        return false;
    }

    /// <summary>The install hint shown when a library cannot be loaded.</summary>
    public static string InstallHint(string name) => name switch
    {
        TurboJpeg => "libturbojpeg not found: `apt-get install libturbojpeg0` (or run tools/install.sh)",
        Png => "libpng16 not found: `apt-get install libpng16-16`",
        WebP => "libwebp not found: `apt-get install libwebp7`",
        _ => $"native library {name} not found",
    };
}

static class NativeLibrariesModuleInit
{
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Init() => NativeLibraries.EnsureResolver();
}
