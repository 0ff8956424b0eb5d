using Likeness.Providers.Policy;

namespace Likeness.Providers;

/// <summary>
/// One generative provider (fal.ai, Gemini, Hugging Face, Replicate) behind the common lifecycle.
/// Providers run one route (operation + model) with the per-call retry policy; fallback, budget,
/// ledger and output storage belong to <see cref="Service.GenerationService"/>.
/// </summary>
public interface IGenerativeProvider
{
    /// <summary>Short id used in routes, prices and the ledger: "fal", "gemini", "huggingface", "replicate".</summary>
    string Name { get; }
    string DisplayName { get; }
    bool IsConfigured { get; }
    /// <summary>How to configure it, e.g. "set FAL_KEY (or Providers:Fal:ApiKey)".</summary>
    string ConfigurationHint { get; }

    /// <summary>Models per operation; the first is the default, the rest are same-provider fallbacks in order.</summary>
    IReadOnlyDictionary<GenerationOperation, IReadOnlyList<string>> Models { get; }

    /// <summary>Policy, rate limiter and circuit breaker shared by every call to this provider.</summary>
    ProviderRuntime Runtime { get; }

    /// <summary>Why this provider/model cannot honour the request (e.g. LoRAs, reference images), or null.</summary>
    string? Limitation(GenerationRequest request, string model);

    Task<ProviderOutcome> RunAsync(GenerationRequest request, string model, ProviderCall call, CancellationToken ct);

    /// <summary>Cheap authenticated pings: is the key accepted, are the configured models there.</summary>
    Task<IReadOnlyList<ProviderCheckResult>> CheckAsync(CancellationToken ct);
}

public static class GenerativeProviders
{
    public static bool Supports(this IGenerativeProvider provider, GenerationOperation operation, string? model = null)
        => provider.Models.TryGetValue(operation, out var models) && models.Count > 0
           && (model is null || models.Contains(model, StringComparer.Ordinal));
}

public enum OutputRole { Image, LoraWeights, Video }

/// <summary>A raw provider output: inline bytes (Gemini, HF) or a URL that must be fetched now (fal, Replicate).</summary>
public sealed record ProviderOutput(OutputRole Role, string? Url = null, byte[]? Bytes = null, string? ContentType = null);

/// <summary>What a call consumed, in every unit a price table may charge by (Seconds = compute time, VideoSeconds = video produced).</summary>
public sealed record ProviderUsage(int Images = 0, double Megapixels = 0, double Seconds = 0, int Runs = 1, double VideoSeconds = 0);

public sealed record ProviderOutcome
{
    public string? RequestId { get; init; }
    public IReadOnlyList<ProviderOutput> Outputs { get; init; } = [];
    public string? Text { get; init; }
    public ProviderUsage Usage { get; init; } = new();
}

public enum CheckStatus { Ok, Warning, Failed, NotConfigured }

/// <summary>One row of `likeness providers check`.</summary>
public sealed record ProviderCheckResult(string Provider, string Subject, CheckStatus Status, string Detail);
