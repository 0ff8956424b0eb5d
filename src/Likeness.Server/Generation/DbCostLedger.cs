using Likeness.Providers.Costs;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Generation;

/// <summary>The provider cost ledger in the database (GenerationLogs), so spend survives restarts and joins jobs.</summary>
public sealed class DbCostLedger(IDbContextFactory<LikenessDb> dbFactory) : ICostLedger
{
    public async Task AppendAsync(CostEntry entry, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.GenerationLogs.Add(new GenerationLog
        {
            Id = Guid.NewGuid(), UserId = entry.UserId, JobId = entry.JobId, StepId = entry.StepId,
            Provider = entry.Provider, Model = entry.Model, Operation = entry.Operation, Outcome = entry.Outcome,
            Units = entry.Units, Unit = entry.Unit, EstimatedUsd = entry.EstimatedUsd, DurationMs = (long)entry.Duration.TotalMilliseconds,
            Failure = entry.Failure, Reason = entry.Reason, RequestId = entry.RequestId, HttpAttempts = entry.HttpAttempts,
            CreatedAt = entry.At.UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
    }

    public async Task<decimal> SpentAsync(string userId, DateTimeOffset since, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var from = since.UtcDateTime;
        // Summed here: SQLite cannot aggregate decimals in SQL.
        var amounts = await db.GenerationLogs.Where(g => g.UserId == userId && g.CreatedAt >= from).Select(g => g.EstimatedUsd).ToListAsync(ct);
        return amounts.Sum();
    }

    public async Task<IReadOnlyList<CostEntry>> ListAsync(string? userId, DateTimeOffset since, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var from = since.UtcDateTime;
        var rows = await db.GenerationLogs.AsNoTracking()
            .Where(g => (userId == null || g.UserId == userId) && g.CreatedAt >= from)
            .OrderBy(g => g.CreatedAt).ToListAsync(ct);
        return rows.Select(ToEntry).ToList();
    }

    public static CostEntry ToEntry(GenerationLog g) => new()
    {
        At = new DateTimeOffset(g.CreatedAt, TimeSpan.Zero), UserId = g.UserId, Provider = g.Provider, Model = g.Model,
        Operation = g.Operation, Outcome = g.Outcome, Units = g.Units, Unit = g.Unit, EstimatedUsd = g.EstimatedUsd,
        Duration = TimeSpan.FromMilliseconds(g.DurationMs), Failure = g.Failure, Reason = g.Reason, RequestId = g.RequestId,
        HttpAttempts = g.HttpAttempts, JobId = g.JobId, StepId = g.StepId,
    };
}
