using System.Threading.RateLimiting;

namespace Likeness.Providers.Policy;

/// <summary>
/// Per-provider throttle: a token bucket (requests per minute) plus a "blocked until" set by 429 answers,
/// so one rate-limited call slows every caller of that provider. Both run on <see cref="TimeProvider"/> time.
/// </summary>
public sealed class ProviderRateGate : IDisposable
{
    readonly RateLimiter _bucket;
    readonly TimeProvider _time;
    readonly object _lock = new();
    DateTimeOffset _blockedUntil;

    public ProviderRateGate(RateLimitOptions options, TimeProvider time)
    {
        _time = time;
        _bucket = new ClockedTokenBucket(Math.Max(1, options.Burst), TimeSpan.FromMinutes(1) / Math.Max(1, options.RequestsPerMinute), time);
    }

    /// <summary>While set in the future, every call to the provider waits.</summary>
    public DateTimeOffset? BlockedUntil { get { lock (_lock) return _blockedUntil > _time.GetUtcNow() ? _blockedUntil : null; } }

    public void BlockUntil(DateTimeOffset until)
    {
        lock (_lock) if (until > _blockedUntil) _blockedUntil = until;
    }

    /// <summary>Waits for the provider to be unblocked and, when <paramref name="takeToken"/>, for a token.</summary>
    /// <returns>Time spent waiting.</returns>
    public async Task<TimeSpan> WaitAsync(bool takeToken, DateTimeOffset deadline, string provider, CancellationToken ct)
    {
        var started = _time.GetUtcNow();
        while (true)
        {
            var now = _time.GetUtcNow();
            var wait = NextWait(now, takeToken);
            if (wait <= TimeSpan.Zero) return now - started;
            if (now + wait > deadline)
                throw new ProviderException(FailureKind.RateLimited, provider,
                    $"{provider} is rate limited for another {wait.TotalSeconds:0} s, past this step's deadline. Try again later or raise the deadline.");
            await Task.Delay(wait, _time, ct).ConfigureAwait(false);
        }
    }

    TimeSpan NextWait(DateTimeOffset now, bool takeToken)
    {
        lock (_lock)
        {
            if (_blockedUntil > now) return _blockedUntil - now;
            if (!takeToken) return TimeSpan.Zero;
            using var lease = _bucket.AttemptAcquire(1);
            if (lease.IsAcquired) return TimeSpan.Zero;
            return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        }
    }

    public void Dispose() => _bucket.Dispose();
}
