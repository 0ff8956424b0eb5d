using System.Security.Claims;
using System.Text.Json;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Pipelines.Generation;
using Likeness.Server.Api;
using Likeness.Server.Auth;
using Likeness.Server.Blobs;
using Likeness.Server.Data;
using Likeness.Server.JobEngine;
using Likeness.Vision.Pose.Templates;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Identities;

/// <summary>
/// Body of POST /identities/{id}/avatars: which poses (catalogue ids, "ID-mirrored" for mirror images, and/or custom
/// <see cref="Templates"/> in the catalogue's entry format), or <see cref="Count"/> poses taken from the catalogue
/// (optionally one <see cref="Category"/>; past the end of it their mirror images follow), and the prompt.
/// </summary>
public sealed record AvatarBatchRequest(string Prompt, List<string>? Poses = null, List<JsonElement>? Templates = null, int? Count = null, string? Category = null,
    int? LoraVersion = null, double? LoraScale = null, string? Route = null, int? Attempts = null, int? LongSide = null);

public static class IdentityAvatarEndpoints
{
    public const int MaxAvatars = 100;

    public static void MapIdentityAvatars(this RouteGroupBuilder g)
    {
        g.MapPost("/{id:guid}/avatars", Create).Produces<JobDto>(202).ProducesProblem(404).ProducesProblem(422)
            .WithSummary("Avatars: the identity in N poses as one batch of `identity-pose` jobs (one item per pose, each gated on likeness and pose, " +
                         "retried per item with POST /jobs/{batch}/retry, results as a ZIP from GET /jobs/{batch}/results). Give `poses` (catalogue ids), " +
                         "`templates` (custom poses) or `count` (+ `category`); `prompt` says what they wear and where.");
        g.MapGet("/{id:guid}/avatars/{batchId:guid}/sheet", Sheet).Produces(200, contentType: "image/png").ProducesProblem(404).ProducesProblem(409)
            .WithSummary("The batch's contact sheet (PNG): each finished avatar with its pose id and scores, failed poses as their control image.");
    }

    static async Task<IResult> Create(Guid id, [FromBody] AvatarBatchRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        ClaimsPrincipal user, LikenessDb db, JobService jobs, CancellationToken ct)
    {
        if (!await db.Identities.AnyAsync(i => i.Id == id && i.OwnerId == user.UserId(), ct)) return Problems.NotFound("Identity", id);
        List<(string? Pose, JsonElement? Template)> poses;
        try { poses = Choose(request); }
        catch (LikenessException e) { return Problems.Unprocessable("The poses cannot be used", e.Message); }
        var items = poses.Select(p => JsonSerializer.SerializeToElement(new IdentityPoseInput(id, request.Prompt, p.Pose, p.Template, request.LoraVersion,
            request.LoraScale, request.Route, request.Attempts, request.LongSide), Json.Options)).ToList();
        return await JobEndpoints.Create(new CreateJobRequest(IdentityPoseKind.Name, null, items), idempotencyKey, user, jobs, db, ct);
    }

    static List<(string?, JsonElement?)> Choose(AvatarBatchRequest r)
    {
        var chosen = new List<(string?, JsonElement?)>();
        foreach (var pose in r.Poses ?? []) chosen.Add((PoseCatalog.Bundled.Get(pose).Id, null));
        foreach (var template in r.Templates ?? []) { PoseCatalog.FromEntry(template); chosen.Add((null, template)); }
        if (r.Count is { } count)
            chosen.AddRange(PoseCatalog.Bundled.Take(count, r.Category, MaxAvatars).Select(p => ((string?)p.Id, (JsonElement?)null)));
        if (chosen.Count == 0) throw new LikenessException("give `poses`, `templates` or `count`; `likeness pose list` (or the catalogue) shows the poses");
        if (chosen.Count > MaxAvatars) throw new LikenessException($"{chosen.Count} avatars asked; at most {MaxAvatars} per batch");
        return chosen;
    }

    static async Task<RgbaImage?> AssetImageAsync(LikenessDb db, IBlobStore blobs, Guid assetId, CancellationToken ct)
    {
        if (await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == assetId, ct) is not { } asset) return null;
        await using var stream = await blobs.OpenReadAsync(asset.BlobSha256, ct);
        if (stream is null) return null;
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return ImageCodec.Decode(buffer.ToArray(), asset.Name);
    }

    static async Task<IResult> Sheet(Guid id, Guid batchId, ClaimsPrincipal user, LikenessDb db, IBlobStore blobs, CancellationToken ct)
    {
        var owner = user.UserId();
        if (!await db.Identities.AnyAsync(i => i.Id == id && i.OwnerId == owner, ct)) return Problems.NotFound("Identity", id);
        var items = await db.Jobs.AsNoTracking().Include(j => j.Steps).Where(j => j.ParentJobId == batchId && j.OwnerId == owner && j.Kind == IdentityPoseKind.Name)
            .OrderBy(j => j.ItemIndex).ToListAsync(ct);
        if (items.Count == 0) return Problems.NotFound("Avatar batch", batchId);
        var tiles = new List<PoseGeneration.SheetItem>();
        foreach (var item in items)
        {
            var input = JsonSerializer.Deserialize<IdentityPoseInput>(item.InputJson, Json.Options)!;
            if (input.IdentityId != id) return Problems.NotFound("Avatar batch", batchId);
            var output = item.Steps.FirstOrDefault()?.OutputJson is { } json ? JsonSerializer.Deserialize<IdentityPoseOutput>(json, Json.Options) : null;
            var image = output?.AssetId is { } assetId ? await AssetImageAsync(db, blobs, assetId, ct) : null;
            tiles.Add(new(input.Resolve(), image, output?.Similarity, output?.PoseSimilarity, item.Status.ToString().ToUpperInvariant()));
        }
        var png = ImageCodec.Encode(PoseGeneration.ContactSheet(tiles), ImageFormat.Png);
        return TypedResults.File(png, "image/png", $"avatars-{batchId}.png");
    }
}
