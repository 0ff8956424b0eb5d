using System.Security.Cryptography;
using System.Text;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Auth;

/// <summary>Creates users and API tokens. Tokens are random, shown once, and stored only as SHA-256.</summary>
public sealed class TokenService(IDbContextFactory<LikenessDb> dbFactory)
{
    public async Task<(User User, string Token)> CreateUserAsync(string name, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Users.AnyAsync(u => u.Name == name, ct))
            throw new InvalidOperationException($"A user named '{name}' already exists; pick another name.");
        var user = new User { Id = Guid.NewGuid(), Name = name, CreatedAt = DateTime.UtcNow };
        db.Users.Add(user);
        var token = AddToken(db, user.Id, "default");
        await db.SaveChangesAsync(ct);
        return (user, token);
    }

    public async Task<string> IssueTokenAsync(string userName, string tokenName, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Name == userName, ct)
            ?? throw new InvalidOperationException($"No user named '{userName}'; create it with `likeness users create {userName}`.");
        var token = AddToken(db, user.Id, tokenName);
        await db.SaveChangesAsync(ct);
        return token;
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    static string AddToken(LikenessDb db, Guid userId, string name)
    {
        var token = "lk_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        db.ApiTokens.Add(new ApiToken { Id = Guid.NewGuid(), UserId = userId, Name = name, TokenHash = Hash(token), CreatedAt = DateTime.UtcNow });
        return token;
    }

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
