using System.Runtime.InteropServices;
using Likeness.Inference;
using Likeness.Native;

namespace Likeness.Diagnostics;

/// <summary>Checks that each native library loads and reports its version.</summary>
public static class NativeLibraryChecks
{
    public static IEnumerable<HealthCheck> Run()
    {
        yield return CheckOrt();
        yield return CheckLibrary(NativeLibraries.TurboJpeg, "tjInitDecompress", _ => "TurboJPEG 2.x API");
        yield return CheckLibrary(NativeLibraries.Png, "png_access_version_number", PngVersion);
        yield return CheckLibrary(NativeLibraries.WebP, "WebPGetDecoderVersion", WebPVersion);
    }

    static HealthCheck CheckOrt()
    {
        if (!OrtRuntime.TryGet(out var ort, out var problem))
            return new HealthCheck("native", "onnxruntime", HealthStatus.Error, problem!, "rebuild: the Microsoft.ML.OnnxRuntime NuGet package ships the native library");
        return new HealthCheck("native", "onnxruntime", HealthStatus.Ok, $"ONNX Runtime {ort!.Version} (Microsoft.ML.OnnxRuntime package)");
    }

    static HealthCheck CheckLibrary(string name, string symbol, Func<IntPtr, string> describe)
    {
        if (!NativeLibraries.TryLoad(name, out var handle, out var from))
            return new HealthCheck("native", name, HealthStatus.Error, "not found", NativeLibraries.InstallHint(name));
        if (!NativeLibrary.TryGetExport(handle, symbol, out var fn))
            return new HealthCheck("native", name, HealthStatus.Error, $"{from} lacks {symbol}", NativeLibraries.InstallHint(name));
        return new HealthCheck("native", name, HealthStatus.Ok, $"{describe(fn)} ({from})");
    }

    static unsafe string PngVersion(IntPtr fn)
    {
        // png_access_version_number(void) returns e.g. 10639 for 1.6.39
        uint v = ((delegate* unmanaged<uint>)fn)();
        return $"libpng {v / 10000}.{v / 100 % 100}.{v % 100}";
    }

    static unsafe string WebPVersion(IntPtr fn)
    {
        int v = ((delegate* unmanaged<int>)fn)();
        return $"libwebp {(v >> 16) & 0xff}.{(v >> 8) & 0xff}.{v & 0xff}";
    }
}
