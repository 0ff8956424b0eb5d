using Ort = Microsoft.ML.OnnxRuntime;

namespace Likeness.Inference;

/// <summary>
/// CUDA when asked for and available, else the CPU with one clear message. The CPU package (the default build) has no
/// CUDA provider; `dotnet build -p:LikenessGpu=true` swaps in Microsoft.ML.OnnxRuntime.Gpu.Linux.
/// </summary>
public static class ExecutionDevice
{
    static int _warned;

    /// <summary>Where the fallback message goes (the CLI points it at stderr; the server at its logger).</summary>
    public static Action<string> Warn { get; set; } = message => Console.Error.WriteLine(message);

    public static InferenceDevice Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "cpu" => InferenceDevice.Cpu,
        "cuda" or "gpu" => InferenceDevice.Cuda,
        _ => throw new LikenessException($"'{value}' is not an inference device; use cpu or cuda."),
    };

    internal static void Apply(Ort.SessionOptions options, InferenceDevice device, string modelName)
    {
        if (device != InferenceDevice.Cuda) return;
        try { options.AppendExecutionProvider_CUDA(0); }
        catch (Exception e) when (e is Ort.OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            if (Interlocked.Exchange(ref _warned, 1) == 0)
                Warn($"warning: CUDA was requested but is not available ({e.GetBaseException().Message.Split('\n')[0]}); running '{modelName}' and every other model on the CPU. A CUDA build needs an NVIDIA driver and `dotnet build -p:LikenessGpu=true`.");
        }
    }
}
