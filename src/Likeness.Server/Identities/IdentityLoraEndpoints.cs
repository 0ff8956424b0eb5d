using System.Security.Claims;
using System.Text.Json;
using Likeness.Jobs;
using Likeness.Pipelines.Lora;
using Likeness.Providers;
using Likeness.Providers.Costs;
using Likeness.Server.Api;
using Likeness.Server.Auth;
using Likeness.Server.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Likeness.Server.JobEngine;

namespace Likeness.Server.Identities;

/// <summary>Optional body of POST /identities/{id}/panel.</summary>
public sealed record IdentityPanelRequest(int? Version = null);

/// <summary>One LoRA version as the API shows it.</summary>
public sealed record LoraVersionDto(int Version, string Status, string? Reason, string TriggerWord, int Steps, int Photos, string? Provider, string? Model,
    Guid? AssetId, long? SizeBytes, decimal EstimatedUsd, Guid? JobId, bool HasPanel, DateTime CreatedAt);

public static class IdentityLoraEndpoints
{
    public static void MapIdentityLora(this RouteGroupBuilder g)
    {
        g.MapPost("/{id:guid}/lora", Train).Produces<JobDto>(202).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422)
            .WithSummary("Train a LoRA of the identity from its accepted photos (at least 3; face-centred crops) as an `identity-lora` job. The new version is " +
                         "`training`, then `ready` only when the weights were downloaded, verified (safetensors) and stored; a failed, canceled or timed-out " +
                         "training leaves the previous version in force. GET first for the cost estimate.");
        g.MapGet("/{id:guid}/lora", Versions).WithSummary("The identity's LoRA: status (none, training, ready, failed), the current (newest ready) version, every version, and the cost estimate of the next training.");
        g.MapPost("/{id:guid}/panel", Panel).Produces<JobDto>(202).ProducesProblem(404).ProducesProblem(422)
            .WithSummary("Run the five-test identity panel (portrait, full body, profile, lighting, expression) with a LoRA version (default: the current one) as an `identity-panel` job.");
        g.MapGet("/{id:guid}/panel", PanelResults).WithSummary("The panel results of a LoRA version (`?version=`, default: the current one): per test passed/failed with the reason and scores, and the overall score.");
    }

    static async Task<IResult> Train(Guid id, [FromBody] IdentityLoraRequest? request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        ClaimsPrincipal user, LikenessDb db, JobService jobs, IDbContextFactory<LikenessDb> dbFactory, IEnumerable<IGenerativeProvider> providers, CancellationToken ct)
    {
        var owner = user.UserId();
        if (!await db.Identities.AnyAsync(i => i.Id == id && i.OwnerId == owner, ct)) return Problems.NotFound("Identity", id);
        var input = new IdentityLoraInput(id, request?.TriggerWord ?? IdentityLoraKind.DefaultTrigger(id), request?.Steps ?? 1000, request?.DeadlineSeconds);
        if (await IdentityLoraKind.ProblemAsync(dbFactory, providers, owner, input, ct) is { } problem) return Problems.Unprocessable("The LoRA cannot be trained", problem);
        var idText = id.ToString();
        var running = await db.Jobs.AsNoTracking()
            .Where(j => j.OwnerId == owner && j.Kind == IdentityLoraKind.Name && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running) && j.InputJson.Contains(idText))
            .Select(j => (Guid?)j.Id).FirstOrDefaultAsync(ct);
        if (running is { } other && idempotencyKey is null)
            return Problems.Conflict("A training is already running", $"Job {other} is training this identity's LoRA; wait for it (GET /jobs/{other}/events) or cancel it first.");
        return await JobEndpoints.Create(new CreateJobRequest(IdentityLoraKind.Name, JsonSerializer.SerializeToElement(input, Json.Options)), idempotencyKey, user, jobs, db, ct);
    }

    static async Task<IResult> Versions(Guid id, ClaimsPrincipal user, LikenessDb db, IOptions<PriceTableOptions> prices, CancellationToken ct)
    {
        var owner = user.UserId();
        if (!await db.Identities.AnyAsync(i => i.Id == id && i.OwnerId == owner, ct)) return Problems.NotFound("Identity", id);
        var versions = await ListAsync(db, id, ct);
        var current = versions.Where(v => v.Status == "ready").MaxBy(v => v.Version);
        var latest = versions.MaxBy(v => v.Version);
        string status = latest is null ? "none" : latest.Status == "training" ? "training" : current is not null ? "ready" : "failed";
        int photos = await db.IdentityPhotos.CountAsync(p => p.IdentityId == id && p.CheckPassed, ct);
        var price = new PriceTable(prices.Value).For("fal", "fal-ai/flux-lora-fast-training");
        return TypedResults.Ok(new
        {
            status, current, versions,
            estimate = new { provider = "fal", model = "fal-ai/flux-lora-fast-training", photos, enoughPhotos = photos >= TrainingSet.MinPhotos, estimatedUsd = price.UsdPerUnit },
        });
    }

    /// <summary>Versions newest first; a `training` row whose job already ended (the engine gave up after retries) shows as failed.</summary>
    internal static async Task<List<LoraVersionDto>> ListAsync(LikenessDb db, Guid identityId, CancellationToken ct)
    {
        var rows = await db.IdentityLoras.AsNoTracking().Where(l => l.IdentityId == identityId).OrderByDescending(l => l.Version).ToListAsync(ct);
        var jobIds = rows.Where(r => r.Status == LoraStatus.Training && r.JobId is not null).Select(r => r.JobId!.Value).ToList();
        var ended = await db.Jobs.AsNoTracking().Where(j => jobIds.Contains(j.Id)).Select(j => new { j.Id, j.Status, j.Error }).ToListAsync(ct);
        return rows.Select(r =>
        {
            var job = ended.FirstOrDefault(j => j.Id == r.JobId && j.Status.IsTerminal());
            var (status, reason) = job is null ? (r.Status.ToString().ToLowerInvariant(), r.StatusReason) : ("failed", job.Error ?? "the training job ended");
            return new LoraVersionDto(r.Version, status, reason, r.TriggerWord, r.Steps, r.Photos, r.Provider, r.Model, r.AssetId, r.SizeBytes, r.EstimatedUsd, r.JobId, r.PanelJson is not null, r.CreatedAt);
        }).ToList();
    }

    static async Task<IResult> Panel(Guid id, [FromBody] IdentityPanelRequest? request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        ClaimsPrincipal user, LikenessDb db, JobService jobs, CancellationToken ct)
    {
        var owner = user.UserId();
        if (!await db.Identities.AnyAsync(i => i.Id == id && i.OwnerId == owner, ct)) return Problems.NotFound("Identity", id);
        var version = request?.Version ?? await db.IdentityLoras.Where(l => l.IdentityId == id && l.Status == LoraStatus.Ready).MaxAsync(l => (int?)l.Version, ct);
        if (version is null) return Problems.Unprocessable("No LoRA to test", $"identity {id} has no ready LoRA: train one first (POST /identities/{id}/lora).");
        var input = JsonSerializer.SerializeToElement(new IdentityPanelInput(id, version.Value), Json.Options);
        return await JobEndpoints.Create(new CreateJobRequest(IdentityPanelKind.Name, input), idempotencyKey, user, jobs, db, ct);
    }

    static async Task<IResult> PanelResults(Guid id, int? version, ClaimsPrincipal user, LikenessDb db, CancellationToken ct)
    {
        var owner = user.UserId();
        if (!await db.Identities.AnyAsync(i => i.Id == id && i.OwnerId == owner, ct)) return Problems.NotFound("Identity", id);
        var query = db.IdentityLoras.AsNoTracking().Where(l => l.IdentityId == id && l.PanelJson != null);
        var row = version is { } v ? await query.SingleOrDefaultAsync(l => l.Version == v, ct) : await query.OrderByDescending(l => l.Version).FirstOrDefaultAsync(ct);
        if (row is null)
            return TypedResults.Problem(statusCode: 404, title: "No panel results",
                detail: version is null ? $"No LoRA version of identity {id} has panel results: run POST /identities/{id}/panel." : $"LoRA version {version} of identity {id} has no panel results.");
        return TypedResults.Content(row.PanelJson!, "application/json");
    }
}
