namespace Likeness.Providers.Costs;

/// <summary>Per-user monthly spending limits in USD. No limit configured = unlimited.</summary>
public sealed class BudgetOptions
{
    public decimal? DefaultMonthlyUsd { get; set; }
    public Dictionary<string, decimal> PerUserMonthlyUsd { get; set; } = [];

    public decimal? LimitFor(string userId) => PerUserMonthlyUsd.TryGetValue(userId, out var limit) ? limit : DefaultMonthlyUsd;
}

/// <summary>
/// Refuses work that would take a user over budget, before any provider is called. Spend in flight is
/// reserved so two parallel jobs cannot both slip under the limit.
/// </summary>
public sealed class BudgetGuard
{
    readonly ICostLedger _ledger;
    readonly BudgetOptions _options;
    readonly TimeProvider _time;
    readonly Dictionary<string, decimal> _reserved = [];
    readonly SemaphoreSlim _lock = new(1, 1);

    public BudgetGuard(ICostLedger ledger, BudgetOptions options, TimeProvider time)
    {
        _ledger = ledger;
        _options = options;
        _time = time;
    }

    public DateTimeOffset PeriodStart()
    {
        var now = _time.GetUtcNow();
        return new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>Reserves <paramref name="estimateUsd"/>; the reservation carries a <see cref="BudgetReservation.Refusal"/> when it would exceed the limit.</summary>
    public async Task<BudgetReservation> TryReserveAsync(string userId, decimal estimateUsd, CancellationToken ct)
    {
        var limit = _options.LimitFor(userId);
        if (limit is null) return new BudgetReservation(this, userId, 0, null);
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var spent = await _ledger.SpentAsync(userId, PeriodStart(), ct).ConfigureAwait(false);
            var reserved = _reserved.GetValueOrDefault(userId);
            if (spent + reserved + estimateUsd > limit.Value)
                return new BudgetReservation(this, userId, 0,
                    $"This would exceed the monthly budget of ${limit.Value:0.00} for user '{userId}': ${spent:0.00} spent, ${reserved:0.00} in progress, this step needs about ${estimateUsd:0.000}. Raise the budget or wait for next month.");
            _reserved[userId] = reserved + estimateUsd;
            return new BudgetReservation(this, userId, estimateUsd, null);
        }
        finally { _lock.Release(); }
    }

    internal void Release(string userId, decimal amount)
    {
        if (amount == 0) return;
        _lock.Wait();
        try
        {
            var left = _reserved.GetValueOrDefault(userId) - amount;
            if (left <= 0) _reserved.Remove(userId); else _reserved[userId] = left;
        }
        finally { _lock.Release(); }
    }
}

/// <summary>Holds reserved budget until the ledger row is written; dispose to release.</summary>
public sealed class BudgetReservation : IDisposable
{
    readonly BudgetGuard _guard;
    readonly string _userId;
    readonly decimal _amount;
    bool _released;

    internal BudgetReservation(BudgetGuard guard, string userId, decimal amount, string? refusal)
    {
        _guard = guard;
        _userId = userId;
        _amount = amount;
        Refusal = refusal;
    }

    /// <summary>Why the work was refused, or null when the reservation holds.</summary>
    public string? Refusal { get; }

    public void Dispose()
    {
        if (_released) return;
        _released = true;
        _guard.Release(_userId, _amount);
    }
}
