using System.Security.Claims;
using Likeness.Server.Data;
using Microsoft.AspNetCore.Mvc;
using Likeness.Server.JobEngine;

namespace Likeness.Server.Compose;

public static class ComposeEndpoints
{
    /// <summary>`POST /compose`: a one-shot compose job (same rules and answers as `POST /jobs` with kind "compose").</summary>
    public static void MapCompose(this IEndpointRouteBuilder app)
    {
        app.MapPost("/compose", (System.Text.Json.JsonElement input, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
                ClaimsPrincipal user, JobService jobs, LikenessDb db, CancellationToken ct) =>
                JobEndpoints.Create(new CreateJobRequest(ComposeKind.Name, input), idempotencyKey, user, jobs, db, ct))
            .RequireAuthorization().WithTags("Jobs")
            .WithSummary("Compose a person asset into a scene asset (or onto a '#RRGGBB' background) as a job; the result is a SCENE_IMAGE asset.");
        app.MapComposePreview();
    }
}
