using System.Runtime.InteropServices;

namespace Likeness.Inference;

/// <summary>
/// The process-wide ONNX Runtime environment: the API table, one OrtEnv and one CPU memory info.
/// Creating an env costs tens of milliseconds, so it is made once, lazily, and lives for the process.
/// </summary>
public sealed unsafe class OrtRuntime
{
    const int LogLevelError = 3; // several models list weights as graph inputs; WARNING floods stderr
    const int OrtArenaAllocator = 1;
    const int OrtMemTypeDefault = 0;

    static readonly Lazy<OrtRuntime> Shared = new(() => new OrtRuntime(), LazyThreadSafetyMode.ExecutionAndPublication);

    internal OrtApi Api { get; }
    internal IntPtr Env { get; }
    internal IntPtr CpuMemory { get; }
    internal IntPtr DefaultAllocator { get; }

    /// <summary>The ONNX Runtime version string of the loaded native library, e.g. "1.30.0".</summary>
    public string Version => Api.Version;

    public static OrtRuntime Instance => Shared.Value;

    /// <summary>Loads the runtime if possible; returns the reason when it cannot be loaded.</summary>
    public static bool TryGet(out OrtRuntime? runtime, out string? problem)
    {
        try
        {
            runtime = Instance;
            problem = null;
            return true;
        }
        catch (Exception e)
        {
            runtime = null;
            problem = e is LikenessException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            return false;
        }
    }

    OrtRuntime()
    {
        Api = OrtApi.Load();
        IntPtr env, mem, alloc;
        var logId = "likeness"u8.ToArray().Append((byte)0).ToArray();
        fixed (byte* id = logId)
            Check(Api.CreateEnv(LogLevelError, id, &env), "creating the ONNX Runtime environment");
        Env = env;
        Check(Api.CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &mem), "creating CPU memory info");
        CpuMemory = mem;
        Check(Api.GetAllocatorWithDefaultOptions(&alloc), "getting the default allocator");
        DefaultAllocator = alloc;
    }

    /// <summary>Turns a non-null OrtStatus into an exception carrying ORT's own message.</summary>
    internal void Check(IntPtr status, string what, string? model = null)
    {
        if (status == IntPtr.Zero) return;
        var code = Api.GetErrorCode(status);
        var message = Marshal.PtrToStringUTF8(Api.GetErrorMessage(status)) ?? "(no message)";
        Api.ReleaseStatus(status);
        throw new InferenceException(model, what, ErrorCodeName(code), message);
    }

    static string ErrorCodeName(int code) => code switch
    {
        1 => "FAIL",
        2 => "INVALID_ARGUMENT",
        3 => "NO_SUCHFILE",
        4 => "NO_MODEL",
        5 => "ENGINE_ERROR",
        6 => "RUNTIME_EXCEPTION",
        7 => "INVALID_PROTOBUF",
        8 => "MODEL_LOADED",
        9 => "NOT_IMPLEMENTED",
        10 => "INVALID_GRAPH",
        11 => "EP_FAIL",
        _ => $"code {code}",
    };
}

/// <summary>An ONNX Runtime failure, with the model's name and ORT's own message.</summary>
public sealed class InferenceException(string? model, string what, string code, string ortMessage)
    : LikenessException($"{(model is null ? "" : $"model '{model}': ")}{what} failed ({code}): {ortMessage}")
{
    public string? Model { get; } = model;
    public string Code { get; } = code;
    public string OrtMessage { get; } = ortMessage;
}
