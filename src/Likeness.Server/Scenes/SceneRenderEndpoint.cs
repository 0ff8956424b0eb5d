using System.Security.Claims;
using System.Text.Json;
using Likeness.Server.Api;
using Likeness.Server.Auth;
using Likeness.Server.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Likeness.Server.JobEngine;

namespace Likeness.Server.Scenes;

/// <summary>Optional body of POST /scenes/{id}/render.</summary>
/// <param name="Matting">"quality" (default: ISNet, cleaner hair) or "fast" (selfie segmentation).</param>
/// <param name="Folder">Asset folder for the result; default "renders".</param>
public sealed record SceneRenderRequest(string? Matting = null, string? Folder = null);

public static class SceneRenderEndpoint
{
    public static void MapSceneRender(this RouteGroupBuilder g) =>
        g.MapPost("/{id:guid}/render", Render)
            .Produces<JobDto>(202).Produces<JobDto>(200).ProducesProblem(404).ProducesProblem(422).ProducesValidationProblem()
            .WithSummary("Render the scene as a `scene-render` job; the result is a SCENE_IMAGE asset with provenance. " +
                         "overlay composes the headshot (or the identity's front view, else its first accepted photo) into the background; none exports the background alone; " +
                         "inpaint (the person repainted into the composed scene inside the scene's mask or the automatic placement mask) and generate (the scene made anew from its prompt, wardrobe and pose, with the identity's LoRA when ready, else its photos as references) go through a cloud provider (422 until one is configured); each output passes the likeness gate, else the local overlay is delivered and the result says so. personPosition 0.5/0.5/1/0 (the default) means automatic placement; " +
                         "other values put the person's cut-out centre at x,y (fractions of the scene), scale = its height / the scene height, rotation in degrees clockwise. " +
                         "The output is cover-cropped to exportPreset around the face. Send `Idempotency-Key` to make retries safe.");

    static async Task<IResult> Render(Guid id, [FromBody] SceneRenderRequest? request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        ClaimsPrincipal user, LikenessDb db, JobService jobs, IEnumerable<Likeness.Providers.IGenerativeProvider> providers, CancellationToken ct)
    {
        var owner = user.UserId();
        if (await db.Scenes.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id && s.OwnerId == owner, ct) is not { } scene) return Problems.NotFound("Scene", id);
        var input = new SceneRenderInput(id, request?.Matting, request?.Folder);
        if (SceneRenderKind.InputProblem(input) is { } invalid) return Problems.Invalid("body", invalid);
        if (await SceneRendering.ProblemAsync(scene, db, providers, ct) is { } problem)
            return Problems.Unprocessable("Scene cannot be rendered", problem);
        return await JobEndpoints.Create(new CreateJobRequest(SceneRenderKind.Name, JsonSerializer.SerializeToElement(input, Json.Options)), idempotencyKey, user, jobs, db, ct);
    }
}
