using System.IO.Compression;
using System.Security.Claims;
using System.Text.Json;
using Likeness.Jobs;
using Likeness.Server.Api;
using Likeness.Server.Auth;
using Likeness.Server.Blobs;
using Likeness.Server.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.JobEngine;

public static class JobEndpoints
{
    public static void MapJobs(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/jobs").WithTags("Jobs").RequireAuthorization();
        g.MapGet("/kinds", (JobRegistry registry) => TypedResults.Ok(registry.Kinds.OrderBy(k => k.Kind).Select(k => new JobKindDto(k.Kind, k.Steps)).ToList()))
            .WithSummary("Job kinds this server can run and their steps.");
        g.MapPost("/", Create).WithSummary("Start a job, or a batch with `items`. Send `Idempotency-Key` to make retries of this request safe.");
        g.MapGet("/", List).WithSummary("Your jobs (batches count as one), newest first, paged; filter with ?status=.");
        g.MapGet("/{id:guid}", Get).WithSummary("One job with its steps (for a batch: item counts).");
        g.MapGet("/{id:guid}/webhooks", Webhooks).WithSummary("The job's webhook deliveries: url, status, attempts, last answer or error.");
        g.MapGet("/{id:guid}/items", Items).WithSummary("The items of a batch, in order, paged.");
        g.MapPost("/{id:guid}/cancel", Cancel).WithSummary("Cancel a job; running work stops at its next cancellation check.");
        g.MapPost("/{id:guid}/retry", Retry).WithSummary("Re-run the failed or canceled steps (for a batch: items); finished steps are kept.");
        g.MapGet("/{id:guid}/events", JobEventStream.Stream).Produces(200, contentType: "text/event-stream")
            .WithSummary("Server-Sent Events: step transitions and progress. Reconnect with Last-Event-ID to resume.");
        g.MapGet("/{id:guid}/results", Results).Produces(200, contentType: "application/zip")
            .WithSummary("The job's output assets as a ZIP (for a batch: one folder per item, plus errors.json for failed items).");
    }

    internal static async Task<IResult> Create(CreateJobRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        ClaimsPrincipal user, JobService jobs, LikenessDb db, CancellationToken ct)
    {
        var result = await jobs.CreateAsync(user.UserId(), request, idempotencyKey, ct);
        if (result.Errors is { } errors) return Problems.Invalid(errors, result.ErrorStatus);
        if (result.Conflict is { } conflict) return Problems.Unprocessable("Idempotency-Key reused", conflict);
        var dto = JobDto.From(result.Job!, await JobService.CountsAsync(db, result.Job!, ct));
        return result.Created ? TypedResults.Accepted($"/jobs/{dto.Id}", dto) : TypedResults.Ok(dto);
    }

    static async Task<Results<Ok<JobPage>, ValidationProblem>> List(ClaimsPrincipal user, LikenessDb db, string? status, int? page, int? pageSize, CancellationToken ct)
    {
        JobStatus? wanted = null;
        if (!string.IsNullOrEmpty(status))
        {
            try { wanted = JsonSerializer.Deserialize<JobStatus>($"\"{status.Replace("\"", "")}\"", Json.Options); }
            catch (JsonException) { return Problems.Invalid("status", $"'{status}' is not a job status; use one of {string.Join(", ", Json.EnumValues[typeof(JobStatus).FullName!])}."); }
        }
        if (!Paging.TryParse(page, pageSize, 50, 500, out var paging, out var pagingErrors)) return Problems.Invalid(pagingErrors);
        var (p, size) = (paging.Page, paging.PageSize);
        var owner = user.UserId();
        var query = db.Jobs.AsNoTracking().Where(j => j.OwnerId == owner && j.ParentJobId == null);
        if (wanted is { } w) query = query.Where(j => j.Status == w);
        var total = await query.CountAsync(ct);
        var jobs = await query.Include(j => j.Steps).OrderByDescending(j => j.CreatedAt).ThenBy(j => j.Id).Skip(paging.Offset).Take(size).AsSplitQuery().ToListAsync(ct);
        var items = new List<JobDto>();
        foreach (var j in jobs) items.Add(JobDto.From(j, await JobService.CountsAsync(db, j, ct)));
        return TypedResults.Ok(new JobPage(items, p, size, total));
    }

    static async Task<Results<Ok<JobDto>, ProblemHttpResult>> Get(Guid id, ClaimsPrincipal user, LikenessDb db, CancellationToken ct) =>
        await JobService.ReadAsync(db, user.UserId(), id, ct) is { } job
            ? TypedResults.Ok(JobDto.From(job, await JobService.CountsAsync(db, job, ct)))
            : Problems.NotFound("Job", id);

    static async Task<Results<Ok<JobPage>, ProblemHttpResult, ValidationProblem>> Items(Guid id, ClaimsPrincipal user, LikenessDb db, JobService jobs, int? page, int? pageSize, CancellationToken ct)
    {
        if (await jobs.FindAsync(db, user.UserId(), id, ct) is not { } batch) return Problems.NotFound("Job", id);
        if (!Paging.TryParse(page, pageSize, 100, 1000, out var paging, out var pagingErrors)) return Problems.Invalid(pagingErrors);
        var (p, size) = (paging.Page, paging.PageSize);
        var items = await db.Jobs.AsNoTracking().Include(j => j.Steps).Where(j => j.ParentJobId == batch.Id)
            .OrderBy(j => j.ItemIndex).Skip(paging.Offset).Take(size).AsSplitQuery().ToListAsync(ct);
        return TypedResults.Ok(new JobPage(items.Select(j => JobDto.From(j)).ToList(), p, size, batch.ItemCount));
    }

    static async Task<Results<Ok<List<WebhookDeliveryDto>>, ProblemHttpResult>> Webhooks(Guid id, ClaimsPrincipal user, LikenessDb db, JobService jobs, CancellationToken ct)
    {
        if (await jobs.FindAsync(db, user.UserId(), id, ct) is null) return Problems.NotFound("Job", id);
        var deliveries = await db.WebhookDeliveries.AsNoTracking().Where(d => d.JobId == id).OrderBy(d => d.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(deliveries.Select(d => new WebhookDeliveryDto(d.Id, d.Url, JsonNamingPolicy.SnakeCaseLower.ConvertName(d.Status.ToString()), d.Attempts, d.LastStatusCode, d.LastError, d.DeliveredAt)).ToList());
    }

    static async Task<IResult> Cancel(Guid id, ClaimsPrincipal user, LikenessDb db, JobService jobs, CancellationToken ct)
    {
        if (await jobs.FindAsync(db, user.UserId(), id, ct) is null) return Problems.NotFound("Job", id);
        if (await jobs.CancelAsync(user.UserId(), id, ct) is { } why) return Problems.Conflict("Job cannot be canceled", why);
        return TypedResults.Accepted($"/jobs/{id}", await Reload(db, jobs, user, id, ct));
    }

    static async Task<IResult> Retry(Guid id, ClaimsPrincipal user, LikenessDb db, JobService jobs, CancellationToken ct)
    {
        if (await jobs.FindAsync(db, user.UserId(), id, ct) is null) return Problems.NotFound("Job", id);
        if (await jobs.RetryAsync(user.UserId(), id, ct) is { } why) return Problems.Conflict("Job cannot be retried", why);
        return TypedResults.Accepted($"/jobs/{id}", await Reload(db, jobs, user, id, ct));
    }

    static async Task<JobDto> Reload(LikenessDb db, JobService jobs, ClaimsPrincipal user, Guid id, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var job = (await jobs.FindAsync(db, user.UserId(), id, ct))!;
        return JobDto.From(job, await JobService.CountsAsync(db, job, ct));
    }

    static async Task<IResult> Results(Guid id, ClaimsPrincipal user, LikenessDb db, JobService jobs, IBlobStore blobs, IEnumerable<IJobResultFiles> extraFiles, CancellationToken ct)
    {
        var owner = user.UserId();
        if (await jobs.FindAsync(db, owner, id, ct) is not { } job) return Problems.NotFound("Job", id);
        var members = job.ItemCount > 0
            ? await db.Jobs.AsNoTracking().Include(j => j.Steps).Where(j => j.ParentJobId == id).OrderBy(j => j.ItemIndex).ToListAsync(ct)
            : [job];
        var outputs = members.SelectMany(m => m.Steps.SelectMany(s => JsonSerializer.Deserialize<Guid[]>(s.OutputAssetIds) ?? []).Select(a => (Member: m, Asset: a))).ToList();
        var failures = members.Where(m => m.Status == JobStatus.Failed).Select(m => new { item = m.ItemIndex, jobId = m.Id, error = m.Error }).ToList();
        var views = new List<JobResultFile>();
        foreach (var source in extraFiles) views.AddRange(await source.FilesAsync(db, job, owner, ct));
        if (outputs.Count == 0 && failures.Count == 0 && views.Count == 0 && !job.Status.IsTerminal())
            return Problems.Conflict("No results yet", $"Job {id} is still {Json.Wire(job.Status)}; its results can be downloaded once it has finished (follow GET /jobs/{id}/events).");
        var assetIds = outputs.Select(o => o.Asset).ToList();
        var assets = await db.Assets.AsNoTracking().Where(a => assetIds.Contains(a.Id) && a.OwnerId == owner).ToDictionaryAsync(a => a.Id, ct);

        var path = Path.GetTempFileName();
        await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write))
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
        {
            var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (member, assetId) in outputs)
            {
                if (!assets.TryGetValue(assetId, out var asset)) continue;
                await using var content = await blobs.OpenReadAsync(asset.BlobSha256, ct);
                if (content is null) continue;
                var folder = member.ItemIndex is { } i ? $"item-{i:000}/" : "";
                var name = folder + asset.Name;
                for (var n = 2; !used.Add(name); n++) name = $"{folder}{Path.GetFileNameWithoutExtension(asset.Name)}-{n}{Path.GetExtension(asset.Name)}";
                await using var entry = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                await content.CopyToAsync(entry, ct);
            }
            foreach (var view in views)
            {
                await using var content = await blobs.OpenReadAsync(view.BlobSha256, ct);
                if (content is null) continue;
                await using var entry = zip.CreateEntry(view.Path, CompressionLevel.Fastest).Open();
                await content.CopyToAsync(entry, ct);
            }
            if (outputs.Count == 0 && views.Count == 0)
            {
                // A finished job without output files still has its step reports: the ZIP holds what exists.
                await using var entry = zip.CreateEntry("steps.json").Open();
                var reports = job.Steps.OrderBy(s => s.Index).Select(s => new { step = s.Name, status = s.Status, error = s.Error,
                    output = s.OutputJson is { } o ? JsonDocument.Parse(o).RootElement : (JsonElement?)null });
                await JsonSerializer.SerializeAsync(entry, reports, Json.Options, ct);
            }
            if (failures.Count > 0)
            {
                await using var entry = zip.CreateEntry("errors.json").Open();
                await JsonSerializer.SerializeAsync(entry, failures, Json.Options, ct);
            }
        }
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        return TypedResults.File(stream, "application/zip", $"job-{id}.zip");
    }
}
