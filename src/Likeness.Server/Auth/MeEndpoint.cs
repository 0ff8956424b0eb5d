using System.Security.Claims;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Auth;

public sealed record MeDto(Guid Id, string Name, DateTime CreatedAt);

public static class MeEndpoint
{
    /// <summary>`GET /me`: who the bearer token belongs to (the studio shows it, and uses it to check a token at sign-in).</summary>
    public static void MapMe(this IEndpointRouteBuilder app) =>
        app.MapGet("/me", async (ClaimsPrincipal user, LikenessDb db, CancellationToken ct) =>
        {
            var id = user.UserId();
            var me = await db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => new MeDto(u.Id, u.Name, u.CreatedAt)).SingleAsync(ct);
            return TypedResults.Ok(me);
        }).RequireAuthorization().WithTags("Users").WithSummary("The user the bearer token belongs to.");
}
