namespace Likeness.Providers;

/// <summary>Classified reasons a provider call failed. The retry policy and fallback decide by kind.</summary>
public enum FailureKind
{
    /// <summary>503, "model overloaded", HF "model is loading": fixed-delay retry until the deadline, then fall back.</summary>
    Overloaded,
    /// <summary>429: wait as the provider says, slow the whole provider down.</summary>
    RateLimited,
    /// <summary>Other 5xx, timeouts, connection resets, malformed responses: exponential backoff.</summary>
    Transient,
    /// <summary>The provider refused the request (4xx): no retry, the provider's words shown.</summary>
    Rejected,
    /// <summary>401/403 or an invalid key: no retry; fall back and fix the key.</summary>
    Unauthorized,
    /// <summary>The model does not exist or is not available to this account.</summary>
    ModelUnavailable,
    SafetyBlock,
    BlockedPrompt,
    Recitation,
    EmptyResponse,
    /// <summary>The provider finished but its output could not be fetched or was not what was promised.</summary>
    OutputUnavailable,
    /// <summary>The provider ran the job and reported failure.</summary>
    ProviderFailed,
    Unsupported,
    NotConfigured,
    CircuitOpen,
    BudgetExceeded,
    DeadlineExceeded,
}

public static class FailureKinds
{
    /// <summary>Kinds after which the next route may succeed; content refusals and bad requests would fail anywhere.</summary>
    public static bool AllowsFallback(this FailureKind kind) => kind is FailureKind.Overloaded or FailureKind.RateLimited
        or FailureKind.Transient or FailureKind.Unauthorized or FailureKind.ModelUnavailable or FailureKind.CircuitOpen
        or FailureKind.NotConfigured or FailureKind.Unsupported or FailureKind.ProviderFailed or FailureKind.EmptyResponse
        or FailureKind.OutputUnavailable or FailureKind.DeadlineExceeded;

    /// <summary>Kinds that say the provider itself is unhealthy (they feed its circuit breaker).</summary>
    public static bool CountsAgainstProvider(this FailureKind kind) => kind is FailureKind.Transient;
}
