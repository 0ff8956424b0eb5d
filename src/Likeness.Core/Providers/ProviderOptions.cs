using Likeness.Providers.Policy;

namespace Likeness.Providers;

/// <summary>What every provider is configured with; bound from "Providers:{Name}" and the provider's usual environment variable.</summary>
public abstract class ProviderOptions
{
    /// <summary>Secret. Never logged, never put in errors, the ledger or exports.</summary>
    public string? ApiKey { get; set; }
    /// <summary>API root; tests point it at a loopback server.</summary>
    public string BaseUrl { get; set; } = "";
    /// <summary>Real-time limit for one HTTP exchange (the network is real even when the clock is not).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(120);
    public RetryPolicyOptions Retry { get; set; } = new();
    public RateLimitOptions RateLimit { get; set; } = new();
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();
    /// <summary>Per-operation model lists replacing the provider's defaults (first = default, rest = fallbacks).</summary>
    public Dictionary<GenerationOperation, List<string>> Models { get; set; } = [];

    internal IReadOnlyDictionary<GenerationOperation, IReadOnlyList<string>> ModelsOr(IReadOnlyDictionary<GenerationOperation, IReadOnlyList<string>> defaults)
    {
        var merged = defaults.ToDictionary(p => p.Key, p => p.Value);
        foreach (var (op, models) in Models) merged[op] = models.ToArray();
        return merged;
    }

    internal Uri BaseUri => new(BaseUrl.TrimEnd('/') + "/");
}
