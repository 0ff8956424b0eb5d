namespace Likeness.Providers;

/// <summary>
/// A classified provider failure. <see cref="Exception.Message"/> is user-facing: what went wrong and what to do,
/// already stripped of secrets.
/// </summary>
public sealed class ProviderException : LikenessException
{
    public ProviderException(FailureKind kind, string provider, string message, int? statusCode = null, TimeSpan? retryAfter = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Provider = provider;
        StatusCode = statusCode;
        RetryAfter = retryAfter;
    }

    public FailureKind Kind { get; }
    public string Provider { get; }
    public int? StatusCode { get; }
    /// <summary>The provider's own wait hint (Retry-After, RateLimit reset, HF estimated_time, Gemini RetryInfo).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Routes were tried and all failed; <see cref="Attempts"/> says why each one did.</summary>
    public IReadOnlyList<RouteAttempt> Attempts { get; init; } = [];
}
