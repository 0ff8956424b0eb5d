using System.Threading.RateLimiting;

namespace Likeness.Providers.Policy;

/// <summary>
/// Per-provider throttle: a token bucket (requests per minute) plus a "blocked until" set by 429 answers,
/// so one rate-limited call slows every caller of that provider.
/// The bucket is replenished from <see cref="TimeProvider"/> time (no timers), so fake clocks drive it.
/// </summary>
public sealed class ProviderRateGate : IDisposable
{
    readonly TokenBucketRateLimiter _bucket;
    readonly TimeProvider _time;
    readonly TimeSpan _period;
    readonly int _tokenLimit;
    readonly object _lock = new();
    DateTimeOffset _lastReplenish;
    DateTimeOffset _blockedUntil;

    public ProviderRateGate(RateLimitOptions options, TimeProvider time)
    {
        _time = time;
        _period = TimeSpan.FromMinutes(1) / Math.Max(1, options.RequestsPerMinute);
        _tokenLimit = Math.Max(1, options.Burst);
        _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = _tokenLimit,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = _period,
            AutoReplenishment = false,
            QueueLimit = 0,
        });
        _lastReplenish = time.GetUtcNow();
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
            long periods = (now - _lastReplenish).Ticks / _period.Ticks;
            for (long i = 0; i < Math.Min(periods, _tokenLimit); i++) _bucket.TryReplenish();
            if (periods > 0) _lastReplenish += _period * periods;
            using var lease = _bucket.AttemptAcquire(1);
            return lease.IsAcquired ? TimeSpan.Zero : _lastReplenish + _period - now;
        }
    }

    public void Dispose() => _bucket.Dispose();
}
