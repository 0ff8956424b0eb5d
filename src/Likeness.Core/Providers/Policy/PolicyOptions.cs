namespace Likeness.Providers.Policy;

/// <summary>Retry policy per error class. Defaults are the spec's: 3 s fixed for overload, 5→10→20 s for other transients.</summary>
public sealed class RetryPolicyOptions
{
    /// <summary>Fixed delay between attempts while the provider says it is overloaded/loading.</summary>
    public TimeSpan OverloadedDelay { get; set; } = TimeSpan.FromSeconds(3);
    /// <summary>Use the provider's estimate (HF estimated_time, Retry-After on 503) instead of the fixed delay.</summary>
    public bool UseProviderEstimate { get; set; } = true;
    public TimeSpan MaxOverloadedDelay { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>How long one route keeps retrying an overload before the service falls back (also capped by the step deadline).</summary>
    public TimeSpan OverloadedWindow { get; set; } = TimeSpan.FromSeconds(90);

    public TimeSpan TransientBaseDelay { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Retries after the first attempt: 3 gives delays 5, 10, 20 s.</summary>
    public int TransientRetries { get; set; } = 3;

    /// <summary>429 without any hint from the provider.</summary>
    public TimeSpan RateLimitedDefaultDelay { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>Up to this much random extra wait after a 429, so waiting callers do not return in lockstep.</summary>
    public TimeSpan RateLimitedJitter { get; set; } = TimeSpan.FromSeconds(1);
    public int RateLimitedRetries { get; set; } = 5;
}

/// <summary>Client-side token bucket per provider, so the product slows down instead of hammering.</summary>
public sealed class RateLimitOptions
{
    public int RequestsPerMinute { get; set; } = 60;
    public int Burst { get; set; } = 5;
}

/// <summary>Per-provider breaker over transient failures (5xx, timeouts, resets, malformed answers).</summary>
public sealed class CircuitBreakerOptions
{
    public double FailureRatio { get; set; } = 0.5;
    public int MinimumThroughput { get; set; } = 6;
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromMinutes(2);
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromMinutes(1);
}
