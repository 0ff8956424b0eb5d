namespace Likeness.Providers.Costs;

public enum CostOutcome { Succeeded, Failed, Canceled, Refused }

/// <summary>One ledger row: a route attempt (provider + model) with what it consumed and cost. Never holds secrets.</summary>
public sealed record CostEntry
{
    public required DateTimeOffset At { get; init; }
    public required string UserId { get; init; }
    public required string Provider { get; init; }
    public required string Model { get; init; }
    public required GenerationOperation Operation { get; init; }
    public required CostOutcome Outcome { get; init; }
    /// <summary>Units charged, in <see cref="Unit"/> (images, megapixels, seconds, runs).</summary>
    public double Units { get; init; }
    public PriceUnit Unit { get; init; }
    public decimal EstimatedUsd { get; init; }
    public TimeSpan Duration { get; init; }
    public FailureKind? Failure { get; init; }
    public string? Reason { get; init; }
    public string? RequestId { get; init; }
    public int HttpAttempts { get; init; }
    /// <summary>Set when the call ran as a job step (<see cref="GenerationContext.JobId"/>).</summary>
    public Guid? JobId { get; init; }
    public Guid? StepId { get; init; }
}

/// <summary>Append-only record of every provider call, queried for per-user spend.</summary>
public interface ICostLedger
{
    Task AppendAsync(CostEntry entry, CancellationToken ct);
    Task<decimal> SpentAsync(string userId, DateTimeOffset since, CancellationToken ct);
    Task<IReadOnlyList<CostEntry>> ListAsync(string? userId, DateTimeOffset since, CancellationToken ct);
}

public sealed class InMemoryCostLedger : ICostLedger
{
    readonly List<CostEntry> _entries = [];

    public Task AppendAsync(CostEntry entry, CancellationToken ct)
    {
        lock (_entries) _entries.Add(entry);
        return Task.CompletedTask;
    }

    public Task<decimal> SpentAsync(string userId, DateTimeOffset since, CancellationToken ct)
    {
        lock (_entries) return Task.FromResult(_entries.Where(e => e.UserId == userId && e.At >= since).Sum(e => e.EstimatedUsd));
    }

    public Task<IReadOnlyList<CostEntry>> ListAsync(string? userId, DateTimeOffset since, CancellationToken ct)
    {
        lock (_entries)
            return Task.FromResult<IReadOnlyList<CostEntry>>(_entries.Where(e => (userId is null || e.UserId == userId) && e.At >= since).ToArray());
    }
}
