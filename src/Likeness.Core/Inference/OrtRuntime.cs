using Microsoft.ML.OnnxRuntime;

namespace Likeness.Inference;

/// <summary>
/// The process-wide ONNX Runtime environment of the official managed package (Microsoft.ML.OnnxRuntime), at ERROR
/// log level: several models list their weights as graph inputs and would otherwise print hundreds of warnings.
/// </summary>
public sealed class OrtRuntime
{
    static readonly Lazy<OrtRuntime> Shared = new(() => new OrtRuntime());

    OrtRuntime()
    {
        var options = new EnvironmentCreationOptions { logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, logId = "likeness" };
        Env = OrtEnv.CreateInstanceWithOptions(ref options);
        Version = Env.GetVersionString();
    }

    public OrtEnv Env { get; }
    public string Version { get; }

    public static OrtRuntime Instance => Shared.Value;

    /// <summary>False with the reason when the native library of the package cannot be loaded on this machine.</summary>
    public static bool TryGet(out OrtRuntime? runtime, out string? problem)
    {
        try
        {
            runtime = Instance;
            problem = null;
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or OnnxRuntimeException)
        {
            runtime = null;
            problem = $"ONNX Runtime cannot be loaded ({e.GetBaseException().Message}): the Microsoft.ML.OnnxRuntime package ships it for linux-x64, win-x64 and osx; rebuild with `dotnet build` on a supported platform";
            return false;
        }
    }
}

/// <summary>An ONNX Runtime failure, with the model it concerns and ORT's own message.</summary>
public sealed class InferenceException(string? model, string what, string code, string ortMessage)
    : LikenessException($"{(model is null ? "" : $"model '{model}': ")}{what} failed ({code}): {ortMessage}")
{
    public string? Model { get; } = model;
    public string Code { get; } = code;
    public string OrtMessage { get; } = ortMessage;

    internal static InferenceException From(OnnxRuntimeException e, string? model, string what)
    {
        var message = e.Message;
        var code = message.StartsWith('[') && message.IndexOf(']') is > 0 and var end ? message[1..end] : "ORT";
        var text = message.StartsWith('[') && message.IndexOf(']') is > 0 and var close ? message[(close + 1)..].Trim() : message;
        return new InferenceException(model, what, code, text);
    }
}
