using System.Threading.RateLimiting;

namespace Likeness.Providers.Policy;

/// <summary>
/// A token bucket <see cref="RateLimiter"/> whose refill follows a <see cref="TimeProvider"/>. The framework's
/// TokenBucketRateLimiter measures refills with Stopwatch even when replenished by hand, so fake clocks cannot drive it.
/// </summary>
public sealed class ClockedTokenBucket : RateLimiter
{
    readonly TimeProvider _time;
    readonly int _limit;
    readonly TimeSpan _period;
    readonly object _lock = new();
    double _tokens;
    DateTimeOffset _last;
    long _succeeded, _failed;

    /// <param name="limit">Bucket size (burst).</param>
    /// <param name="period">Time to earn one token.</param>
    public ClockedTokenBucket(int limit, TimeSpan period, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        _limit = limit;
        _period = period;
        _time = time;
        _tokens = limit;
        _last = time.GetUtcNow();
    }

    public override TimeSpan? IdleDuration => null;

    public override RateLimiterStatistics GetStatistics()
    {
        lock (_lock)
        {
            Refill();
            return new RateLimiterStatistics { CurrentAvailablePermits = (long)_tokens, TotalSuccessfulLeases = _succeeded, TotalFailedLeases = _failed };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (_lock)
        {
            Refill();
            if (_tokens >= permitCount)
            {
                _tokens -= permitCount;
                _succeeded++;
                return Lease.Granted;
            }
            _failed++;
            return new Lease(false, _period * (permitCount - _tokens));
        }
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken ct)
    {
        while (true)
        {
            var lease = AttemptAcquireCore(permitCount);
            if (lease.IsAcquired) return lease;
            lease.TryGetMetadata(MetadataName.RetryAfter, out var wait);
            await Task.Delay(wait, _time, ct).ConfigureAwait(false);
        }
    }

    void Refill()
    {
        var now = _time.GetUtcNow();
        if (now > _last) _tokens = Math.Min(_limit, _tokens + (now - _last) / _period);
        _last = now;
    }

    sealed class Lease(bool acquired, TimeSpan retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, TimeSpan.Zero);
        public override bool IsAcquired => acquired;
        public override IEnumerable<string> MetadataNames => acquired ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = !acquired && metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}
