using System.Text.Json;
using Likeness.Jobs;
using Likeness.Server.Api;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.JobEngine;

/// <summary>Closes jobs: final event, webhook delivery (same transaction), and the batch it belongs to.</summary>
public sealed class JobFinisher(IDbContextFactory<LikenessDb> dbFactory, JobNotifier notifier, JobLeases leases, JobRegistry registry, ILogger<JobFinisher> log)
{
    readonly SemaphoreSlim batchGate = new(1, 1);

    /// <summary>Saves a job that has reached a terminal status.</summary>
    public async Task FinishAsync(LikenessDb db, Job job)
    {
        job.FinishedAt = DateTime.UtcNow;
        JobEvents.Job(db, job);
        if (job.WebhookUrl is { } url)
        {
            var delivery = new WebhookDelivery
            {
                Id = Guid.NewGuid(), JobId = job.Id, Url = url, Status = DeliveryStatus.Pending,
                NextAttemptAt = DateTime.UtcNow, CreatedAt = DateTime.UtcNow, PayloadJson = "",
            };
            delivery.PayloadJson = JsonSerializer.Serialize(new
            {
                id = delivery.Id, @event = "job.finished",
                job = new { id = job.Id, kind = job.Kind, status = job.Status, error = job.Error, progress = job.Progress, finishedAt = job.FinishedAt, parentJobId = job.ParentJobId },
            }, Json.Options);
            db.WebhookDeliveries.Add(delivery);
        }
        // Fenced: a worker that lost this job's lease cannot finish it (nor add a second webhook delivery).
        await leases.SaveAsync(db, job);
        notifier.Notify(job.Id);
        if (job.ParentJobId is { } parent) await UpdateBatchAsync(parent);
    }

    /// <summary>
    /// The engine could not run the job at all (an error outside any step's handling): the job fails now, with a reason
    /// that says what to do, instead of staying `running` until the next start.
    /// </summary>
    public async Task FailInternallyAsync(Guid jobId, DateTime at)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var job = await db.Jobs.Include(j => j.Steps).SingleOrDefaultAsync(j => j.Id == jobId);
        if (job is null || job.Status.IsTerminal() || job.ItemCount > 0) return;
        var reason = $"The server hit an internal error running this job (server log, {at:u}); nothing was delivered. Retry it with POST /jobs/{job.Id}/retry.";
        job.Status = JobStatus.Failed;
        job.Error = reason;
        foreach (var step in job.Steps.Where(s => !s.Status.IsTerminal()))
        {
            step.Status = JobStatus.Failed;
            step.Error = reason;
            step.FinishedAt = DateTime.UtcNow;
            JobEvents.Step(db, job, step, reason);
        }
        await FinishAsync(db, job);
    }

    public async Task CancelAsync(LikenessDb db, Job job, string reason)
    {
        if (job.Status.IsTerminal()) return;
        job.Status = JobStatus.Canceled;
        job.Error = reason;
        foreach (var step in job.Steps.Where(s => !s.Status.IsTerminal()))
        {
            step.Status = JobStatus.Canceled;
            step.FinishedAt = DateTime.UtcNow;
            JobEvents.Step(db, job, step, reason);
        }
        if (job.ItemCount == 0 && registry.FindKind(job.Kind) is { } kind)
        {
            // The cancel itself must not fail on the undo (an unreadable input, a database hiccup): it is logged instead.
            try { await kind.CanceledAsync(job.Id, JsonDocument.Parse(job.InputJson).RootElement); }
            catch (Exception e) when (e is JsonException or DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                log.LogWarning(e, "Job {Job} ({Kind}): undoing its steps' state on cancel failed", job.Id, job.Kind);
            }
        }
        await FinishAsync(db, job);
    }

    /// <summary>
    /// Recomputes a batch from its items: progress is items done; it ends when every item has ended. Serialised per
    /// process by a gate and across processes (PostgreSQL) by locking the batch's row: of two workers finishing the
    /// last two items at once, the second to get the lock sees both and closes the batch, exactly once.
    /// </summary>
    public async Task UpdateBatchAsync(Guid batchId)
    {
        await batchGate.WaitAsync();
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            await using var tx = leases.Enabled ? await db.Database.BeginTransactionAsync() : null;
            if (tx is not null) await db.Database.ExecuteSqlAsync($"""SELECT 1 FROM "Jobs" WHERE "Id" = {batchId} FOR UPDATE""");
            await UpdateBatchAsync(db, batchId);
            if (tx is not null) await tx.CommitAsync();
        }
        finally
        {
            batchGate.Release();
        }
    }

    async Task UpdateBatchAsync(LikenessDb db, Guid batchId)
    {
        var batch = await db.Jobs.SingleOrDefaultAsync(j => j.Id == batchId);
        if (batch is null) return;
        var items = await db.Jobs.AsNoTracking().Where(j => j.ParentJobId == batchId)
            .Select(j => new { j.Status, j.Error, j.ItemIndex }).ToListAsync();
        var done = items.Count(i => i.Status.IsTerminal());
        var progress = batch.ItemCount == 0 ? 1 : (double)done / batch.ItemCount;
        var started = items.Any(i => i.Status != JobStatus.Queued);
        if (done < items.Count || batch.Status.IsTerminal())
        {
            var changed = Math.Abs(progress - batch.Progress) > 1e-9 || (started && batch.Status == JobStatus.Queued);
            if (!changed) return;
            batch.Progress = progress;
            if (started && batch.Status == JobStatus.Queued)
            {
                batch.Status = JobStatus.Running;
                batch.StartedAt ??= DateTime.UtcNow;
                JobEvents.Job(db, batch);
            }
            else JobEvents.JobProgress(db, batch);
            await db.SaveChangesAsync();
            notifier.Notify(batchId);
            return;
        }
        var failed = items.Where(i => i.Status == JobStatus.Failed).OrderBy(i => i.ItemIndex).ToList();
        var canceled = items.Count(i => i.Status == JobStatus.Canceled);
        batch.Progress = 1;
        batch.Status = failed.Count > 0 ? JobStatus.Failed : canceled > 0 ? JobStatus.Canceled : JobStatus.Succeeded;
        batch.Error = failed.Count > 0
            ? $"{failed.Count} of {items.Count} items failed (results of the others are kept; POST /jobs/{batchId}/retry re-runs the failed ones): " +
              string.Join("; ", failed.Take(10).Select(f => $"item {f.ItemIndex}: {f.Error}"))
            : canceled > 0 ? $"{canceled} of {items.Count} items were canceled." : null;
        await FinishAsync(db, batch);
    }
}
