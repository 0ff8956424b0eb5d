using System.Security.Claims;
using Likeness.Server.Api;
using Likeness.Server.Auth;
using Likeness.Server.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Likeness.Compositing;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Scenes;

public sealed record PersonPosition(double X = 0.5, double Y = 0.5, double Scale = 1, double Rotation = 0);

public sealed record SceneRequest(
    string Name, CompositeMode CompositeMode = CompositeMode.Overlay, Guid? BackgroundAssetId = null, Guid? IdentityId = null,
    Guid? HeadshotAssetId = null, string? MaskData = null, PersonPosition? PersonPosition = null, string? Wardrobe = null,
    string? Pose = null, string? Prompt = null, string? ExportPreset = null);

public sealed record SceneDto(
    Guid Id, string Name, CompositeMode CompositeMode, Guid? BackgroundAssetId, Guid? IdentityId, Guid? HeadshotAssetId,
    string? MaskData, PersonPosition PersonPosition, string? Wardrobe, string? Pose, string? Prompt, string? ExportPreset,
    DateTime CreatedAt, DateTime UpdatedAt)
{
    public static SceneDto From(Scene s) => new(s.Id, s.Name, s.CompositeMode, s.BackgroundAssetId, s.IdentityId, s.HeadshotAssetId, s.MaskData,
        new PersonPosition(s.PersonX, s.PersonY, s.PersonScale, s.PersonRotation), s.Wardrobe, s.Pose, s.Prompt, s.ExportPreset, s.CreatedAt, s.UpdatedAt);
}

/// <summary>Scenes CRUD; rendering is in <see cref="SceneRenderEndpoint"/>. Export presets are the engine's (<see cref="ExportPresets"/>).</summary>
public static class SceneEndpoints
{
    public static void MapScenes(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/scenes").WithTags("Scenes").RequireAuthorization();
        g.MapGet("/", List).WithSummary("List your scenes, paged (?page=, ?pageSize= up to 500; X-Total-Count gives the total).");
        g.MapPost("/", Create).WithSummary("Create a scene.");
        g.MapGet("/{id:guid}", Get).WithSummary("One scene.");
        g.MapPut("/{id:guid}", Update).WithSummary("Replace a scene.");
        g.MapDelete("/{id:guid}", Delete).WithSummary("Delete a scene.");
        g.MapGet("/export-presets", () => TypedResults.Ok(ExportPresets.All.Select(p => new { name = p.Key, width = p.Value.Width, height = p.Value.Height })))
            .WithSummary("Known export presets and their sizes (the output is cover-cropped to the preset around the face).");
        g.MapSceneRender();
    }

    static async Task<Errors> ValidateAsync(SceneRequest r, Guid owner, LikenessDb db, CancellationToken ct)
    {
        var e = new Errors();
        Names.CheckName(e, "name", r.Name);
        var p = r.PersonPosition ?? new PersonPosition();
        if (p.X is < 0 or > 1 || double.IsNaN(p.X)) e.Add("personPosition.x", "is a fraction of the width and must be within 0..1.");
        if (p.Y is < 0 or > 1 || double.IsNaN(p.Y)) e.Add("personPosition.y", "is a fraction of the height and must be within 0..1.");
        if (p.Scale is <= 0 or > 10 || double.IsNaN(p.Scale)) e.Add("personPosition.scale", "must be above 0 and at most 10.");
        if (p.Rotation is < -180 or > 180 || double.IsNaN(p.Rotation)) e.Add("personPosition.rotation", "is in degrees and must be within -180..180.");
        Names.CheckText(e, "maskData", r.MaskData, 2_000_000);
        Names.CheckText(e, "wardrobe", r.Wardrobe, 500);
        Names.CheckText(e, "pose", r.Pose, 500);
        Names.CheckText(e, "prompt", r.Prompt, 4000);
        if (r.ExportPreset is { } preset && !ExportPresets.All.ContainsKey(preset))
            e.Add("exportPreset", $"'{preset}' is not a preset; use one of {string.Join(", ", ExportPresets.All.Keys)}.");
        if (r.BackgroundAssetId is { } bg && !await db.Assets.AnyAsync(a => a.Id == bg && a.OwnerId == owner && a.Type == AssetType.Background, ct))
            e.Add("backgroundAssetId", $"no BACKGROUND asset {bg} exists for this user.");
        if (r.HeadshotAssetId is { } hs && !await db.Assets.AnyAsync(a => a.Id == hs && a.OwnerId == owner && a.Type == AssetType.Headshot, ct))
            e.Add("headshotAssetId", $"no HEADSHOT asset {hs} exists for this user.");
        if (r.IdentityId is { } id && !await db.Identities.AnyAsync(i => i.Id == id && i.OwnerId == owner, ct))
            e.Add("identityId", $"no identity {id} exists for this user.");
        if (r.IdentityId is not null && r.HeadshotAssetId is not null)
            e.Add("identityId", "give either an identity or a headshot asset, not both.");
        return e;
    }

    static void Apply(Scene s, SceneRequest r)
    {
        var p = r.PersonPosition ?? new PersonPosition();
        (s.Name, s.CompositeMode, s.BackgroundAssetId, s.IdentityId, s.HeadshotAssetId, s.MaskData) =
            (r.Name.Trim(), r.CompositeMode, r.BackgroundAssetId, r.IdentityId, r.HeadshotAssetId, r.MaskData);
        (s.PersonX, s.PersonY, s.PersonScale, s.PersonRotation) = (p.X, p.Y, p.Scale, p.Rotation);
        (s.Wardrobe, s.Pose, s.Prompt) = (r.Wardrobe, r.Pose, r.Prompt);
        s.ExportPreset = r.ExportPreset is { } preset ? ExportPresets.All.Keys.First(k => k.Equals(preset, StringComparison.OrdinalIgnoreCase)) : null;
        s.UpdatedAt = DateTime.UtcNow;
    }

    static async Task<Results<Ok<List<SceneDto>>, ValidationProblem>> List(ClaimsPrincipal user, LikenessDb db, HttpResponse response, int? page, int? pageSize, CancellationToken ct)
    {
        if (!Paging.TryParse(page, pageSize, 100, 500, out var paging, out var errors)) return Problems.Invalid(errors);
        var owner = user.UserId();
        var query = db.Scenes.AsNoTracking().Where(s => s.OwnerId == owner);
        response.Headers["X-Total-Count"] = (await query.CountAsync(ct)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var scenes = await query.OrderBy(s => s.Name).ThenBy(s => s.Id).Skip(paging.Offset).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(scenes.Select(SceneDto.From).ToList());
    }

    static async Task<Results<Created<SceneDto>, ValidationProblem>> Create(SceneRequest request, ClaimsPrincipal user, LikenessDb db, CancellationToken ct)
    {
        var owner = user.UserId();
        var errors = await ValidateAsync(request, owner, db, ct);
        if (errors.Any) return Problems.Invalid(errors);
        var scene = new Scene { Id = Guid.NewGuid(), OwnerId = owner, Name = request.Name, CreatedAt = DateTime.UtcNow };
        Apply(scene, request);
        db.Scenes.Add(scene);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/scenes/{scene.Id}", SceneDto.From(scene));
    }

    static Task<Scene?> FindAsync(LikenessDb db, ClaimsPrincipal user, Guid id, CancellationToken ct)
    {
        var owner = user.UserId();
        return db.Scenes.SingleOrDefaultAsync(s => s.Id == id && s.OwnerId == owner, ct);
    }

    static async Task<Results<Ok<SceneDto>, ProblemHttpResult>> Get(Guid id, ClaimsPrincipal user, LikenessDb db, CancellationToken ct) =>
        await FindAsync(db, user, id, ct) is { } s ? TypedResults.Ok(SceneDto.From(s)) : Problems.NotFound("Scene", id);

    static async Task<Results<Ok<SceneDto>, ProblemHttpResult, ValidationProblem>> Update(Guid id, SceneRequest request, ClaimsPrincipal user, LikenessDb db, CancellationToken ct)
    {
        if (await FindAsync(db, user, id, ct) is not { } scene) return Problems.NotFound("Scene", id);
        var errors = await ValidateAsync(request, scene.OwnerId, db, ct);
        if (errors.Any) return Problems.Invalid(errors);
        Apply(scene, request);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(SceneDto.From(scene));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, ClaimsPrincipal user, LikenessDb db, CancellationToken ct)
    {
        if (await FindAsync(db, user, id, ct) is not { } scene) return Problems.NotFound("Scene", id);
        db.Scenes.Remove(scene);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
