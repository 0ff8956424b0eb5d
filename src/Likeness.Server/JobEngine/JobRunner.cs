using System.Text.Json;
using Likeness.Jobs;
using Likeness.Server.Blobs;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Likeness.Server.JobEngine;

/// <summary>
/// Runs one job's unfinished steps in order. Each state change is committed before and after the
/// work, so a crash leaves at most one step `running`, which recovery re-queues; succeeded steps are skipped.
/// </summary>
public sealed class JobRunner(
    IDbContextFactory<LikenessDb> dbFactory, JobRegistry registry, JobCancellations cancellations, JobNotifier notifier,
    JobFinisher finisher, JobLeases leases, IBlobStore blobs, JobThreads threads, IOptions<JobOptions> options, ILogger<JobRunner> log)
{
    enum Outcome { Succeeded, Stopped }

    public async Task RunAsync(Guid jobId, CancellationToken stopping)
    {
        try { await RunHeldAsync(jobId, stopping); }
        catch (LeaseLostException lost) { log.LogWarning("{Message}", lost.Message); }
    }

    async Task RunHeldAsync(Guid jobId, CancellationToken stopping)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var registration = cancellations.Register(jobId, cts);
        await using var db = await dbFactory.CreateDbContextAsync(stopping);
        var job = await db.Jobs.Include(j => j.Steps).SingleOrDefaultAsync(j => j.Id == jobId, stopping);
        if (job is null || job.Status.IsTerminal() || job.ItemCount > 0) return;
        if (job.CancelRequested || cts.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            await finisher.CancelAsync(db, job, "Canceled on request before it started.");
            return;
        }
        if (registry.FindKind(job.Kind) is null)
        {
            job.Status = JobStatus.Failed;
            job.Error = $"This server cannot run job kind '{job.Kind}' (it is not registered here).";
            await finisher.FinishAsync(db, job);
            return;
        }
        var interrupted = leases.Holds(job.Id) ? await ReQueueInterruptedAsync(db, job) : 0;
        if (job.Status == JobStatus.Failed)
        {
            await finisher.FinishAsync(db, job);
            return;
        }
        if (job.Status != JobStatus.Running || interrupted > 0)
        {
            job.Status = JobStatus.Running;
            job.StartedAt ??= DateTime.UtcNow;
            JobEvents.Job(db, job);
            await leases.SaveAsync(db, job);
            notifier.Notify(job.Id);
            if (job.ParentJobId is { } parent) await finisher.UpdateBatchAsync(parent);
        }

        var input = JsonDocument.Parse(job.InputJson).RootElement.Clone();
        var outputs = job.Steps.Where(s => s.Status == JobStatus.Succeeded && s.OutputJson is not null)
            .ToDictionary(s => s.Name, s => JsonDocument.Parse(s.OutputJson!).RootElement.Clone());
        var steps = job.Steps.OrderBy(s => s.Index).ToList();
        foreach (var step in steps)
        {
            if (step.Status is JobStatus.Succeeded or JobStatus.Skipped) continue;
            if (await RunStepAsync(db, job, step, steps, input, outputs, cts.Token, stopping) == Outcome.Stopped) return;
        }
        job.Status = JobStatus.Succeeded;
        job.Progress = 1;
        job.Error = null;
        await finisher.FinishAsync(db, job);
    }

    /// <summary>
    /// A claimed job with a step still `running` was held by a worker that died (its lease expired): that attempt
    /// is closed as failed and the step runs again. Its saved outputs are found again by their ids (JobArtifacts).
    /// </summary>
    async Task<int> ReQueueInterruptedAsync(LikenessDb db, Job job)
    {
        var interrupted = job.Steps.Where(s => s.Status == JobStatus.Running).ToList();
        if (interrupted.Count == 0) return 0;
        var ids = interrupted.Select(s => s.Id).ToList();
        foreach (var attempt in await db.JobStepAttempts.Where(a => ids.Contains(a.StepId) && a.Outcome == JobStatus.Running).ToListAsync())
            (attempt.Outcome, attempt.Error, attempt.FinishedAt) = (JobStatus.Failed, "Interrupted: the worker running this step stopped (its lease expired).", DateTime.UtcNow);
        foreach (var step in interrupted)
        {
            if (step.Attempts >= step.MaxAttempts)
            {
                // A step that takes its worker down every time (out of memory, a native crash) must not circle forever.
                (step.Status, step.FinishedAt) = (JobStatus.Failed, DateTime.UtcNow);
                step.Error = $"The worker running this step stopped {step.Attempts} time(s) without finishing it (killed, out of memory or crashed; see the workers' logs). Retry with POST /jobs/{job.Id}/retry once the cause is fixed.";
                JobEvents.Step(db, job, step);
                (job.Status, job.Error) = (JobStatus.Failed, $"Step '{step.Name}' failed: {step.Error}");
                continue;
            }
            (step.Status, step.Progress) = (JobStatus.Queued, 0);
            JobEvents.Step(db, job, step, "Re-queued: the worker running this step stopped; another worker took the job over.");
        }
        log.LogInformation("Job {Job}: took over from a stopped worker; {Steps} interrupted step(s) run again", job.Id, interrupted.Count);
        return interrupted.Count;
    }

    /// <summary>Runs one step until it succeeds, is canceled or stopped, or fails for good; retryable failures wait their backoff and go again.</summary>
    async Task<Outcome> RunStepAsync(LikenessDb db, Job job, JobStep step, List<JobStep> steps, JsonElement input,
        Dictionary<string, JsonElement> outputs, CancellationToken token, CancellationToken stopping)
    {
        var total = steps.Count;
        var doneBefore = steps.Count(s => s.Status is JobStatus.Succeeded or JobStatus.Skipped);
        while (true)
        {
            JobStepAttempt? attempt = null;
            StepProgress? progress = null;
            try
            {
                if (step.NextAttemptAt is { } at && at > DateTime.UtcNow) await Task.Delay(at - DateTime.UtcNow, token);
                token.ThrowIfCancellationRequested();
                attempt = await StartAttemptAsync(db, job, step);
                progress = new StepProgress(dbFactory, notifier, log, job.Id, step.Id, step.Name, doneBefore, total);
                var context = new JobStepContext
                {
                    JobId = job.Id, StepId = step.Id, Owner = new JobOwner(job.OwnerId), StepName = step.Name, Attempt = step.Attempts,
                    Input = input, PreviousOutputs = outputs, Progress = progress,
                    Artifacts = new JobArtifacts(dbFactory, blobs, job.OwnerId, job.Id, step.Id),
                };
                var handler = registry.Handler(job.Kind, step.Name);
                var result = await threads.RunAsync(() => handler.ExecuteAsync(context, token), token);
                await progress.DisposeAsync();
                await SucceedAsync(db, job, step, attempt, result, (double)(doneBefore + 1) / total);
                if (result.Output is { } output) outputs[step.Name] = output;
                return Outcome.Succeeded;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                if (progress is not null) await progress.DisposeAsync();
                return await CanceledAsync(db, job, step, attempt, stopping.IsCancellationRequested);
            }
            catch (LeaseLostException) { throw; }
            catch (Exception e)
            {
                if (progress is not null) await progress.DisposeAsync();
                if (await FailedAsync(db, job, step, attempt, e)) continue;
                return Outcome.Stopped;
            }
        }
    }

    async Task<JobStepAttempt> StartAttemptAsync(LikenessDb db, Job job, JobStep step)
    {
        step.Status = JobStatus.Running;
        step.Attempts++;
        step.StartedAt = DateTime.UtcNow;
        step.FinishedAt = null;
        step.NextAttemptAt = null;
        step.Progress = 0;
        var attempt = new JobStepAttempt { Id = Guid.NewGuid(), JobId = job.Id, StepId = step.Id, Attempt = step.Attempts, Outcome = JobStatus.Running, StartedAt = DateTime.UtcNow };
        db.JobStepAttempts.Add(attempt);
        JobEvents.Step(db, job, step);
        await leases.SaveAsync(db, job);
        notifier.Notify(job.Id);
        return attempt;
    }

    async Task SucceedAsync(LikenessDb db, Job job, JobStep step, JobStepAttempt attempt, JobStepResult result, double jobProgress)
    {
        step.Status = JobStatus.Succeeded;
        step.Progress = 1;
        step.Error = null;
        step.FinishedAt = DateTime.UtcNow;
        step.OutputJson = result.Output?.GetRawText();
        step.OutputAssetIds = JsonSerializer.Serialize(result.OutputAssetIds ?? []);
        step.CostUsd += result.CostUsd;
        attempt.Outcome = JobStatus.Succeeded;
        attempt.FinishedAt = step.FinishedAt;
        job.Progress = jobProgress;
        JobEvents.Step(db, job, step);
        await leases.SaveAsync(db, job);
        notifier.Notify(job.Id);
    }

    /// <summary>An orderly shutdown leaves the step queued for the next start; a cancel request ends the job as canceled.</summary>
    async Task<Outcome> CanceledAsync(LikenessDb db, Job job, JobStep step, JobStepAttempt? attempt, bool shuttingDown)
    {
        if (attempt is not null) (attempt.Outcome, attempt.FinishedAt) = (JobStatus.Canceled, DateTime.UtcNow);
        if (shuttingDown)
        {
            if (attempt is not null) attempt.Error = "The server stopped while this step ran.";
            step.Status = JobStatus.Queued;
            await leases.SaveAsync(db, job);
            return Outcome.Stopped;
        }
        step.Status = JobStatus.Canceled;
        step.FinishedAt = DateTime.UtcNow;
        JobEvents.Step(db, job, step);
        await finisher.CancelAsync(db, job, $"Canceled on request during step '{step.Name}'.");
        return Outcome.Stopped;
    }

    /// <summary>True when the step will be retried after its backoff; false when it (and the job) failed for good.</summary>
    async Task<bool> FailedAsync(LikenessDb db, Job job, JobStep step, JobStepAttempt? attempt, Exception e)
    {
        var message = e.Message;
        if (e is not PermanentJobException) log.LogWarning(e, "Step {Step} of job {Job} failed (attempt {Attempt})", step.Name, job.Id, step.Attempts);
        if (attempt is not null) (attempt.Outcome, attempt.Error, attempt.FinishedAt) = (JobStatus.Failed, message, DateTime.UtcNow);
        step.Error = message;
        if (e is not PermanentJobException && step.Attempts < step.MaxAttempts)
        {
            step.Status = JobStatus.Queued;
            step.NextAttemptAt = DateTime.UtcNow + options.Value.Backoff(step.Attempts);
            JobEvents.Step(db, job, step, $"Attempt {step.Attempts} of {step.MaxAttempts} failed; retrying.");
            await leases.SaveAsync(db, job);
            notifier.Notify(job.Id);
            return true;
        }
        step.Status = JobStatus.Failed;
        step.FinishedAt = DateTime.UtcNow;
        JobEvents.Step(db, job, step);
        job.Status = JobStatus.Failed;
        job.Error = $"Step '{step.Name}' failed after {step.Attempts} attempt(s): {message}";
        await finisher.FinishAsync(db, job);
        return false;
    }
}

/// <summary>Writes a step's progress at most every 250 ms (or every 10%), in order, and never after the step ended.</summary>
sealed class StepProgress(IDbContextFactory<LikenessDb> dbFactory, JobNotifier notifier, ILogger log, Guid jobId, Guid stepId, string stepName, int doneBefore, int total)
    : IProgress<double>, IAsyncDisposable
{
    readonly Lock gate = new();
    Task chain = Task.CompletedTask;
    DateTime lastWrite = DateTime.MinValue;
    double lastValue = -1;
    bool closed;

    public void Report(double value)
    {
        value = double.IsNaN(value) ? 0 : Math.Clamp(value, 0, 1);
        lock (gate)
        {
            if (closed || value <= lastValue) return;
            if (DateTime.UtcNow - lastWrite < TimeSpan.FromMilliseconds(250) && value - lastValue < 0.1) return;
            (lastWrite, lastValue) = (DateTime.UtcNow, value);
            chain = chain.ContinueWith(_ => WriteAsync(value), TaskScheduler.Default).Unwrap();
        }
    }

    async Task WriteAsync(double value)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            var jobProgress = (doneBefore + value) / total;
            await db.JobSteps.Where(s => s.Id == stepId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Progress, value));
            await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(j => j.SetProperty(x => x.Progress, jobProgress));
            JobEvents.StepProgress(db, jobId, stepName, value, jobProgress);
            await db.SaveChangesAsync();
            notifier.Notify(jobId);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Could not record progress of job {Job}", jobId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task pending;
        lock (gate)
        {
            closed = true;
            pending = chain;
        }
        await pending;
    }
}
