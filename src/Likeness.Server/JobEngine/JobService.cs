using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Likeness.Jobs;
using Likeness.Server.Api;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Likeness.Server.JobEngine;

/// <summary>Creates, cancels and retries jobs on behalf of the API.</summary>
public sealed class JobService(IDbContextFactory<LikenessDb> dbFactory, JobRegistry registry, IJobQueue queue,
    JobCancellations cancellations, JobFinisher finisher, JobLeases leases, JobInserts inserts, IOptions<JobOptions> options, IOptions<WebhookOptions> webhooks, WebhookSecrets secrets)
{
    public sealed record CreateResult(Job? Job, bool Created, Errors? Errors = null, string? Conflict = null, int ErrorStatus = 400);

    public async Task<CreateResult> CreateAsync(Guid owner, CreateJobRequest request, string? idempotencyKey, CancellationToken ct)
    {
        var errors = new Errors();
        var kind = registry.FindKind(request.Kind);
        if (kind is null) errors.Add("kind", $"'{request.Kind}' is not a job kind on this server; use one of {string.Join(", ", registry.Kinds.Select(k => k.Kind))}.");
        if (request.Items is not null && request.Input is not null) errors.Add("items", "give either `input` (one job) or `items` (a batch), not both.");
        if (request.Items is { Count: 0 }) errors.Add("items", "is empty; a batch needs at least one item.");
        if (request.Items?.Count > options.Value.MaxBatchItems) errors.Add("items", $"has {request.Items.Count} items; the limit is {options.Value.MaxBatchItems}.");
        if (idempotencyKey is { Length: > 200 }) errors.Add("Idempotency-Key", "is longer than 200 characters.");
        if (request.Webhook is { } hook)
        {
            if (Likeness.Providers.Outputs.OutboundUrlPolicy.Problem(hook.Url ?? "", webhooks.Value.Url) is { } problem)
                errors.Add("webhook.url", $"is not a URL this server delivers to: {problem}. Use a public https URL (an operator can allow others with Likeness:Webhooks:Url:AllowHttp / AllowPrivateNetworks).");
            if (hook.Secret is not { Length: >= 16 and <= 200 }) errors.Add("webhook.secret", "must be 16 to 200 characters; it signs every delivery (HMAC-SHA256).");
        }
        if (errors.Any || kind is null) return new CreateResult(null, false, errors);

        var inputs = request.Items ?? [request.Input ?? JsonDocument.Parse("{}").RootElement];
        var status = kind.InvalidInputStatus;
        for (var i = 0; i < inputs.Count; i++)
        {
            var field = request.Items is null ? "input" : $"items[{i}]";
            if (inputs[i].ValueKind != JsonValueKind.Object) { errors.Add(field, "must be a JSON object."); continue; }
            try
            {
                if (await kind.ValidateAsync(inputs[i], new JobOwner(owner), ct) is { } problem) errors.Add(field, problem);
            }
            catch (UnknownReferenceException unknown)
            {
                errors.Add(field, unknown.Message);
                status = 422;
            }
        }
        if (errors.Any) return new CreateResult(null, false, errors, ErrorStatus: status);

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, Json.Options))));
        if (idempotencyKey is not null)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            if (await FindByKeyAsync(db, owner, idempotencyKey, hash, ct) is { } existing) return existing;
        }

        var now = DateTime.UtcNow;
        var top = NewJob(owner, kind, request.Items is null ? inputs[0] : JsonSerializer.SerializeToElement(new { kind = kind.Kind, items = inputs.Count }), now);
        top.IdempotencyKey = idempotencyKey;
        top.RequestHash = hash;
        (top.WebhookUrl, top.WebhookSecret) = (request.Webhook?.Url, secrets.Protect(request.Webhook?.Secret));
        var toRun = new List<Job>();
        if (request.Items is null) toRun.Add(top);
        else
        {
            top.Kind = $"batch:{kind.Kind}";
            top.Steps.Clear();
            top.ItemCount = inputs.Count;
            for (var i = 0; i < inputs.Count; i++)
            {
                var item = NewJob(owner, kind, inputs[i], now);
                (item.ParentJobId, item.ItemIndex) = (top.Id, i);
                toRun.Add(item);
            }
        }
        try { await inserts.SaveAsync([top, .. toRun.Where(j => j != top)], top); }
        catch (DbUpdateException) when (idempotencyKey is not null)
        {
            // Two requests with the same key raced; the other one won.
            await using var again = await dbFactory.CreateDbContextAsync(ct);
            return await FindByKeyAsync(again, owner, idempotencyKey, hash, ct) ?? throw new InvalidOperationException("Idempotency race without a winner.");
        }
        foreach (var job in toRun) await queue.EnqueueAsync(job.Id, CancellationToken.None); // saved: queued whatever the client does
        return new CreateResult(top, true);
    }

    static async Task<CreateResult?> FindByKeyAsync(LikenessDb db, Guid owner, string key, string hash, CancellationToken ct)
    {
        var existing = await db.Jobs.AsNoTracking().Include(j => j.Steps).SingleOrDefaultAsync(j => j.OwnerId == owner && j.IdempotencyKey == key, ct);
        if (existing is null) return null;
        return existing.RequestHash == hash
            ? new CreateResult(existing, false)
            : new CreateResult(existing, false, Conflict: $"Idempotency-Key '{key}' was already used for a different request (job {existing.Id}); use a new key for a new job.");
    }

    Job NewJob(Guid owner, IJobKind kind, JsonElement input, DateTime now)
    {
        var job = new Job { Id = Guid.NewGuid(), OwnerId = owner, Kind = kind.Kind, InputJson = input.GetRawText(), Status = JobStatus.Queued, CreatedAt = now };
        job.Steps.AddRange(kind.Steps.Select((name, i) => new JobStep
        {
            Id = Guid.NewGuid(), JobId = job.Id, Index = i, Name = name, Status = JobStatus.Queued, MaxAttempts = Math.Max(1, options.Value.MaxAttempts),
        }));
        return job;
    }

    public async Task<Job?> FindAsync(LikenessDb db, Guid owner, Guid id, CancellationToken ct) =>
        await db.Jobs.Include(j => j.Steps).SingleOrDefaultAsync(j => j.Id == id && j.OwnerId == owner, ct);

    /// <summary>The job with its steps for reading only (not tracked): the hot path of clients that poll.</summary>
    public static Task<Job?> ReadAsync(LikenessDb db, Guid owner, Guid id, CancellationToken ct) =>
        db.Jobs.AsNoTracking().Include(j => j.Steps).SingleOrDefaultAsync(j => j.Id == id && j.OwnerId == owner, ct);

    public static async Task<BatchCounts?> CountsAsync(LikenessDb db, Job job, CancellationToken ct)
    {
        if (job.ItemCount == 0) return null;
        var statuses = await db.Jobs.Where(j => j.ParentJobId == job.Id).GroupBy(j => j.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        int Of(JobStatus s) => statuses.FirstOrDefault(x => x.Key == s)?.Count ?? 0;
        return new BatchCounts(job.ItemCount, Of(JobStatus.Queued), Of(JobStatus.Running), Of(JobStatus.Succeeded), Of(JobStatus.Failed), Of(JobStatus.Canceled));
    }

    /// <summary>Returns null when canceled (or cancel was signalled to running work), else why it cannot be.</summary>
    public async Task<string?> CancelAsync(Guid owner, Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await FindAsync(db, owner, id, ct);
        if (job is null) return null;
        if (job.Status.IsTerminal()) return $"The job already ended as {Json.Wire(job.Status)}; there is nothing to cancel.";
        var targets = job.ItemCount > 0
            ? await db.Jobs.Include(j => j.Steps).Where(j => j.ParentJobId == id && j.Status != JobStatus.Succeeded && j.Status != JobStatus.Failed && j.Status != JobStatus.Canceled).ToListAsync(ct)
            : [job];
        job.CancelRequested = true;
        foreach (var t in targets) t.CancelRequested = true;
        await db.SaveChangesAsync(ct);
        foreach (var t in targets)
        {
            if (cancellations.TryCancel(t.Id)) continue;
            // Held by a worker (here or on another machine): its heartbeat sees CancelRequested and stops the work.
            if (!await leases.TryClaimAsync(t.Id, ct)) continue;
            try { await finisher.CancelAsync(db, t, "Canceled on request."); }
            finally { await leases.ReleaseAsync(t.Id); }
        }
        return null;
    }

    /// <summary>Re-queues the failed and canceled steps (for a batch: items); returns why not when it cannot.</summary>
    public async Task<string?> RetryAsync(Guid owner, Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await FindAsync(db, owner, id, ct);
        if (job is null) return null;
        if (job.Status is not (JobStatus.Failed or JobStatus.Canceled))
            return $"Only failed or canceled jobs can be retried; this one is {Json.Wire(job.Status)}.";
        var targets = job.ItemCount > 0
            ? await db.Jobs.Include(j => j.Steps).Where(j => j.ParentJobId == id && (j.Status == JobStatus.Failed || j.Status == JobStatus.Canceled)).ToListAsync(ct)
            : [job];
        foreach (var t in targets)
        {
            foreach (var step in t.Steps.Where(s => s.Status is JobStatus.Failed or JobStatus.Canceled))
            {
                (step.Status, step.Error, step.NextAttemptAt, step.Progress, step.FinishedAt) = (JobStatus.Queued, null, null, 0, null);
                step.MaxAttempts = step.Attempts + Math.Max(1, options.Value.MaxAttempts);
            }
            (t.Status, t.Error, t.CancelRequested, t.FinishedAt) = (JobStatus.Queued, null, false, null);
            t.Progress = t.Steps.Count == 0 ? 0 : (double)t.Steps.Count(s => s.Status == JobStatus.Succeeded) / t.Steps.Count;
            JobEvents.Job(db, t, "retry requested");
        }
        if (job.ItemCount > 0)
        {
            (job.Status, job.Error, job.CancelRequested, job.FinishedAt) = (JobStatus.Running, null, false, null);
            job.Progress = (double)(job.ItemCount - targets.Count) / job.ItemCount;
            JobEvents.Job(db, job, $"retrying {targets.Count} item(s)");
        }
        await db.SaveChangesAsync(ct);
        foreach (var t in targets) await queue.EnqueueAsync(t.Id, ct);
        return null;
    }
}
