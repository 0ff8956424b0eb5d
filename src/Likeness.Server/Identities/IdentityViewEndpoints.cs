using System.Security.Claims;
using System.Text.Json;
using Likeness.Jobs;
using Likeness.Server.Api;
using Likeness.Server.Auth;
using Likeness.Server.Blobs;
using Likeness.Server.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Likeness.Server.JobEngine;

namespace Likeness.Server.Identities;

/// <summary>Optional body of POST /identities/{id}/views.</summary>
/// <param name="Matting">"quality" (default: ISNet, cleaner hair) or "fast" (selfie segmentation).</param>
/// <param name="Generate">"none" (default), "missing" (generate the views the photos do not cover) or "all"; generated views pass the likeness gate.</param>
/// <param name="Route">Pin a provider or provider:model for generation (e.g. "gemini").</param>
/// <param name="Attempts">Generation attempts per view (1..10, default 3); each attempt is a paid call.</param>
public sealed record IdentityViewsRequest(string? Matting = null, string? Generate = null, string? Route = null, int? Attempts = null);

public static class IdentityViewEndpoints
{
    public static void MapIdentityViews(this RouteGroupBuilder g)
    {
        g.MapPost("/{id:guid}/views", Create)
            .Produces<JobDto>(202).Produces<JobDto>(200).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422).ProducesValidationProblem()
            .WithSummary("Make the identity's views as an `identity-views` job: front, three-quarter and profile views (1024x1024 on white, from the accepted photos), " +
                         "a contact sheet and the embedding template. The identity is `preparing` meanwhile, then `ready`, or `error` with the reason " +
                         "(e.g. no front photo, photos of different people). Send `Idempotency-Key` to make retries safe.");
        g.MapPost("/{id:guid}/cinematic", CreateCinematic)
            .Produces<JobDto>(202).Produces<JobDto>(200).ProducesProblem(404).ProducesProblem(422).ProducesValidationProblem()
            .WithSummary("Run the cinematic chain as an `identity-cinematic` job (needs a provider): a movie still of the person (waist-up, face 15-25 % of the width), " +
                         "a portrait matched to it (same head angle), and the still recreated from a face-free description. Every image passes the likeness gate, " +
                         "regenerated up to `attempts` times; a step that never passes fails the job with every attempt's verdict. Outputs are SCENE_IMAGE assets.");
        g.MapGet("/{id:guid}/views/{angle}", Content).Produces(200, contentType: "image/png").ProducesProblem(404)
            .WithSummary("Download one view as PNG: front, three-quarter-left, three-quarter-right, profile-left, profile-right, or sheet (the labelled contact sheet).");
    }

    static async Task<IResult> Create(Guid id, [FromBody] IdentityViewsRequest? request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        ClaimsPrincipal user, LikenessDb db, JobService jobs, IEnumerable<Likeness.Providers.IGenerativeProvider> providers, CancellationToken ct)
    {
        var owner = user.UserId();
        if (!await db.Identities.AnyAsync(i => i.Id == id && i.OwnerId == owner, ct)) return Problems.NotFound("Identity", id);
        if (IdentityViewsKind.MattingProblem(request?.Matting) is { } matting) return Problems.Invalid("matting", matting);
        var input = new IdentityViewsInput(id, request?.Matting, request?.Generate, request?.Route, request?.Attempts);
        if (IdentityViewsKind.GenerationProblem(input, providers) is { } generation) return Problems.Unprocessable("Views cannot be generated", generation);
        if (await IdentityViewsKind.PhotoProblemAsync(db, id, ct) is { } photos) return Problems.Unprocessable("No photos to make views from", photos);
        var sameKey = idempotencyKey is not null && await db.Jobs.AnyAsync(j => j.OwnerId == owner && j.IdempotencyKey == idempotencyKey, ct);
        var idText = id.ToString();
        var running = sameKey ? null : await db.Jobs.AsNoTracking()
            .Where(j => j.OwnerId == owner && j.Kind == IdentityViewsKind.Name && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running) && j.InputJson.Contains(idText))
            .Select(j => (Guid?)j.Id).FirstOrDefaultAsync(ct);
        if (running is { } other)
            return Problems.Conflict("Views are already being made", $"Job {other} is already making the views of this identity; wait for it (GET /jobs/{other}/events) or cancel it first.");
        return await JobEndpoints.Create(new CreateJobRequest(IdentityViewsKind.Name, JsonSerializer.SerializeToElement(input, Json.Options)), idempotencyKey, user, jobs, db, ct);
    }

    static async Task<IResult> CreateCinematic(Guid id, [FromBody] IdentityCinematicRequest? request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        ClaimsPrincipal user, LikenessDb db, JobService jobs, CancellationToken ct)
    {
        if (!await db.Identities.AnyAsync(i => i.Id == id && i.OwnerId == user.UserId(), ct)) return Problems.NotFound("Identity", id);
        var input = new IdentityCinematicInput(id, request?.Route, request?.Attempts);
        return await JobEndpoints.Create(new CreateJobRequest(IdentityCinematicKind.Name, JsonSerializer.SerializeToElement(input, Json.Options)), idempotencyKey, user, jobs, db, ct);
    }

    static async Task<IResult> Content(Guid id, string angle, ClaimsPrincipal user, LikenessDb db, IBlobStore blobs, CancellationToken ct)
    {
        if (await IdentityEndpoints.FindAsync(db, user, id, ct) is not { } identity) return Problems.NotFound("Identity", id);
        var view = identity.Views.FirstOrDefault(v => string.Equals(v.Angle, angle, StringComparison.OrdinalIgnoreCase));
        if (view is null)
            return TypedResults.Problem(statusCode: 404, title: "View not found",
                detail: identity.Views.Count == 0
                    ? $"Identity {id} has no views yet: make them with POST /identities/{id}/views."
                    : $"Identity {id} has no '{angle}' view; it has {string.Join(", ", identity.Views.Select(v => v.Angle).Order())}.");
        var stream = await blobs.OpenReadAsync(view.BlobSha256, ct);
        return stream is null
            ? Problems.Conflict("View content missing", $"The stored bytes of the '{view.Angle}' view are missing from the blob store; make the views again (POST /identities/{id}/views).")
            : TypedResults.Stream(stream, view.MediaType, $"{view.Angle}.png", entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{view.BlobSha256}\""));
    }
}
