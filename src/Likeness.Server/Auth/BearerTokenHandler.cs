using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Likeness.Server.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Likeness.Server.Auth;

/// <summary>`Authorization: Bearer lk_…` against hashed tokens in the database.</summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IDbContextFactory<LikenessDb> dbFactory, TokenCache cache)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var hash = TokenService.Hash(header["Bearer ".Length..].Trim());
        if (!cache.TryGet(hash, out var userId))
        {
            await using var db = await dbFactory.CreateDbContextAsync(Context.RequestAborted);
            var found = await db.ApiTokens.Where(t => t.TokenHash == hash).Select(t => (Guid?)t.UserId).SingleOrDefaultAsync(Context.RequestAborted);
            if (found is null) return AuthenticateResult.Fail("The bearer token is not known.");
            userId = found.Value;
            cache.Set(hash, userId);
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId.ToString())], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        var hadToken = Request.Headers.Authorization.Count > 0;
        await Response.WriteAsJsonAsync(new ProblemDetails
        {
            Status = 401,
            Title = "Authentication required",
            Detail = hadToken
                ? "The bearer token is not valid. Use a token printed by `likeness serve` on first start or by `likeness users create NAME`."
                : "Send `Authorization: Bearer <token>`. `likeness serve` prints a token on first start; `likeness users create NAME` makes more.",
        }, options: null, contentType: "application/problem+json");
    }
}

/// <summary>Short-lived cache of token hash to user id, so each request does not hit the database.</summary>
public sealed class TokenCache
{
    readonly ConcurrentDictionary<string, (Guid User, DateTime Expires)> entries = new();

    public bool TryGet(string hash, out Guid user)
    {
        user = default;
        if (!entries.TryGetValue(hash, out var e) || e.Expires < DateTime.UtcNow) return false;
        user = e.User;
        return true;
    }

    public void Set(string hash, Guid user)
    {
        if (entries.Count > 10_000) entries.Clear();
        entries[hash] = (user, DateTime.UtcNow.AddMinutes(1));
    }
}

public static class ClaimsPrincipalExtensions
{
    public static Guid UserId(this ClaimsPrincipal principal) =>
        Guid.Parse(principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not authenticated."));
}
