using Likeness.Jobs;
using System.Collections.Concurrent;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Likeness.Server.JobEngine;

/// <summary>
/// Which process runs a job, when several share one PostgreSQL database (API nodes and `likeness worker`s).
/// A worker claims a job with <c>FOR UPDATE SKIP LOCKED</c> and holds it by a lease that its heartbeat renews; a
/// killed worker's lease expires and another worker claims the job, re-running the interrupted step. Every write
/// that changes a held job's state is fenced: it renews the lease in the same transaction and is refused when the
/// lease was lost, so a stalled worker that wakes up cannot overwrite what its successor did.
/// With SQLite (one process) leases are off and every call here is a plain save.
/// </summary>
public sealed class JobLeases(IDbContextFactory<LikenessDb> dbFactory, IOptions<JobOptions> options, DatabaseOptions database, ILogger<JobLeases> log)
{
    readonly ConcurrentDictionary<Guid, byte> held = new();
    readonly ConcurrentDictionary<Guid, byte> lost = new();

    public bool Enabled { get; } = database.Provider == DatabaseProvider.Postgres;

    /// <summary>This process, as recorded in Jobs.LeaseOwner: host, process id and a random part (pids get reused).</summary>
    public string WorkerId { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    double LeaseSeconds => Math.Max(1, options.Value.LeaseTime.TotalSeconds);

    public IReadOnlyCollection<Guid> Held => held.Keys.ToList();

    /// <summary>Claims the oldest runnable job nobody holds (or whose holder's lease expired); null when there is none.</summary>
    public async Task<Guid?> TryClaimNextAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var seconds = LeaseSeconds;
        var ids = await db.Database.SqlQuery<Guid>($"""
            UPDATE "Jobs" SET "LeaseOwner" = {WorkerId}, "LeaseExpiresAt" = now() + make_interval(secs => {seconds})
            WHERE "Id" = (
                SELECT "Id" FROM "Jobs"
                WHERE "ItemCount" = 0 AND "Status" IN ('Queued', 'Running')
                  AND ("LeaseExpiresAt" IS NULL OR "LeaseExpiresAt" < now())
                ORDER BY "CreatedAt"
                LIMIT 1
                FOR UPDATE SKIP LOCKED)
            RETURNING "Id" AS "Value"
            """).ToListAsync(ct);
        if (ids.Count == 0) return null;
        lost.TryRemove(ids[0], out _);
        held[ids[0]] = 0;
        return ids[0];
    }

    /// <summary>
    /// Claims one given job if nobody holds it (the API node does this to cancel a job no worker runs). A job this
    /// process's own worker holds is not claimed: that worker's heartbeat delivers the cancel.
    /// </summary>
    public async Task<bool> TryClaimAsync(Guid jobId, CancellationToken ct)
    {
        if (!Enabled) return true;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var seconds = LeaseSeconds;
        var n = await db.Database.ExecuteSqlAsync($"""
            UPDATE "Jobs" SET "LeaseOwner" = {WorkerId}, "LeaseExpiresAt" = now() + make_interval(secs => {seconds})
            WHERE "Id" = {jobId} AND ("LeaseExpiresAt" IS NULL OR "LeaseExpiresAt" < now())
            """, ct);
        if (n != 1) return false;
        lost.TryRemove(jobId, out _);
        held[jobId] = 0;
        return true;
    }

    public bool Holds(Guid jobId) => held.ContainsKey(jobId);

    /// <summary>
    /// Saves the context's changes; for a job this process holds, only while the lease is still ours (renewed in the
    /// same transaction) and, when the job has ended, releasing it. Throws <see cref="LeaseLostException"/> otherwise.
    /// </summary>
    public async Task SaveAsync(LikenessDb db, Job job)
    {
        if (lost.ContainsKey(job.Id)) throw new LeaseLostException(job.Id);
        if (!Enabled || !held.ContainsKey(job.Id))
        {
            await db.SaveChangesAsync(CancellationToken.None);
            return;
        }
        var external = db.Database.CurrentTransaction is not null;
        var tx = external ? null : await db.Database.BeginTransactionAsync(CancellationToken.None);
        try
        {
            var seconds = LeaseSeconds;
            var release = job.Status.IsTerminal();
            var n = release
                ? await db.Database.ExecuteSqlAsync($"""
                    UPDATE "Jobs" SET "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL WHERE "Id" = {job.Id} AND "LeaseOwner" = {WorkerId}
                    """, CancellationToken.None)
                : await db.Database.ExecuteSqlAsync($"""
                    UPDATE "Jobs" SET "LeaseExpiresAt" = now() + make_interval(secs => {seconds}) WHERE "Id" = {job.Id} AND "LeaseOwner" = {WorkerId}
                    """, CancellationToken.None);
            if (n != 1)
            {
                MarkLost(job.Id);
                throw new LeaseLostException(job.Id);
            }
            await db.SaveChangesAsync(CancellationToken.None);
            if (tx is not null) await tx.CommitAsync(CancellationToken.None);
            if (release) held.TryRemove(job.Id, out _);
        }
        finally
        {
            if (tx is not null) await tx.DisposeAsync();
        }
    }

    /// <summary>Gives a held job back to the queue (orderly shutdown, or the run ended without a terminal save).</summary>
    public async Task ReleaseAsync(Guid jobId)
    {
        lost.TryRemove(jobId, out _);
        if (!held.TryRemove(jobId, out _)) return;
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            await db.Database.ExecuteSqlAsync($"""
                UPDATE "Jobs" SET "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL WHERE "Id" = {jobId} AND "LeaseOwner" = {WorkerId}
                """);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Could not release the lease on job {Job}; it returns to the queue when the lease expires", jobId);
        }
    }

    public sealed record Renewal(IReadOnlyList<Guid> Lost, IReadOnlyList<Guid> CancelRequested);

    /// <summary>The heartbeat: renews every held lease; reports the ones lost and the ones whose job was asked to cancel.</summary>
    public async Task<Renewal> RenewAllAsync(CancellationToken ct)
    {
        var ids = held.Keys.ToArray();
        if (ids.Length == 0) return new Renewal([], []);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""
            UPDATE "Jobs" SET "LeaseExpiresAt" = now() + make_interval(secs => @seconds)
            WHERE "Id" = ANY(@ids) AND "LeaseOwner" = @me
            RETURNING "Id", "CancelRequested"
            """, connection);
        command.Parameters.AddWithValue("seconds", LeaseSeconds);
        command.Parameters.AddWithValue("ids", ids);
        command.Parameters.AddWithValue("me", WorkerId);
        var renewed = new HashSet<Guid>();
        var cancel = new List<Guid>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                renewed.Add(reader.GetGuid(0));
                if (reader.GetBoolean(1)) cancel.Add(reader.GetGuid(0));
            }
        // A job released between the snapshot and the update is not lost: only those still held count.
        var gone = ids.Where(id => !renewed.Contains(id) && held.ContainsKey(id)).ToList();
        foreach (var id in gone) MarkLost(id);
        return new Renewal(gone, cancel);
    }

    /// <summary>Every later save for this job from this process is refused until the run ends (or the job is claimed again).</summary>
    void MarkLost(Guid jobId)
    {
        lost[jobId] = 0;
        held.TryRemove(jobId, out _);
    }
}

/// <summary>Another worker holds this job now (this process's lease expired); this process must stop working on it.</summary>
public sealed class LeaseLostException(Guid jobId)
    : Exception($"The lease on job {jobId} expired and another worker took it over; this worker stops working on it.");
