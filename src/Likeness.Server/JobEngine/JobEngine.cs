using Likeness.Jobs;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Likeness.Server.JobEngine;

/// <summary>
/// Recovers unfinished work on start (steps found `running` were interrupted and go back to `queued`),
/// then runs jobs from the queue with at most <see cref="JobOptions.Concurrency"/> at once. A job the runner cannot handle at
/// all (an error outside its steps) is marked failed with a reason, never left `running`.
/// On PostgreSQL several processes share the queue: nothing is recovered at start (a `running` step may belong to a
/// live worker elsewhere); a job whose worker died is claimed again when its lease expires (<see cref="JobLeases"/>).
/// </summary>
public sealed class JobEngine(IDbContextFactory<LikenessDb> dbFactory, IJobQueue queue, JobRunner runner, JobFinisher finisher,
    JobLeases leases, IOptions<JobOptions> options, ILogger<JobEngine> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        await RecoverAsync(stopping);
        var workers = Enumerable.Range(0, Math.Max(1, options.Value.Concurrency)).Select(_ => WorkAsync(stopping));
        await Task.WhenAll(workers);
    }

    async Task WorkAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Guid jobId;
            try { jobId = await queue.DequeueAsync(stopping); }
            catch (OperationCanceledException) { return; }
            try { await runner.RunAsync(jobId, stopping); }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                var at = DateTime.UtcNow;
                log.LogError(e, "Job {Job} stopped on an internal error at {At:u}; it is marked failed and can be retried", jobId, at);
                try { await finisher.FailInternallyAsync(jobId, at); }
                catch (Exception again) { log.LogError(again, "Job {Job} could not be marked failed; it resumes on the next start", jobId); }
            }
            finally
            {
                if (leases.Enabled) await leases.ReleaseAsync(jobId);
            }
        }
    }

    public async Task RecoverAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (leases.Enabled)
        {
            log.LogInformation("Worker {Worker} takes jobs from the shared PostgreSQL queue", leases.WorkerId);
            return;
        }
        var interrupted = await db.JobSteps.Where(s => s.Status == JobStatus.Running).ToListAsync(ct);
        var openAttempts = await db.JobStepAttempts.Where(a => a.Outcome == JobStatus.Running).ToListAsync(ct);
        foreach (var attempt in openAttempts)
            (attempt.Outcome, attempt.Error, attempt.FinishedAt) = (JobStatus.Failed, "Interrupted: the server stopped while this step ran.", DateTime.UtcNow);
        var jobs = await db.Jobs.Where(j => j.ItemCount == 0 && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running))
            .OrderBy(j => j.CreatedAt).ToListAsync(ct);
        var failed = new List<Job>();
        foreach (var step in interrupted)
        {
            var job = jobs.FirstOrDefault(j => j.Id == step.JobId);
            if (step.Attempts >= step.MaxAttempts && job is not null)
            {
                // A step that takes the server down every time (out of memory, a native crash) must not circle forever.
                (step.Status, step.FinishedAt) = (JobStatus.Failed, DateTime.UtcNow);
                step.Error = $"The server stopped {step.Attempts} time(s) while running this step without finishing it (killed, out of memory or crashed; see the server log). Retry with POST /jobs/{job.Id}/retry once the cause is fixed.";
                JobEvents.Step(db, job, step);
                (job.Status, job.Error) = (JobStatus.Failed, $"Step '{step.Name}' failed: {step.Error}");
                failed.Add(job);
                continue;
            }
            step.Status = JobStatus.Queued;
            step.Progress = 0;
            if (job is not null) JobEvents.Step(db, job, step, "Re-queued after a restart: the server stopped while this step ran.");
        }
        await db.SaveChangesAsync(ct);
        foreach (var job in failed) await finisher.FinishAsync(db, job);
        foreach (var job in jobs.Except(failed)) await queue.EnqueueAsync(job.Id, ct);

        var batches = await db.Jobs.Where(j => j.ItemCount > 0 && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running)).Select(j => j.Id).ToListAsync(ct);
        foreach (var batch in batches) await finisher.UpdateBatchAsync(batch);
        if (jobs.Count > 0 || interrupted.Count > 0)
            log.LogInformation("Recovered {Jobs} unfinished job(s); {Steps} interrupted step(s) re-queued", jobs.Count, interrupted.Count);
    }
}
