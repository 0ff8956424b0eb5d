using Likeness.Server.Auth;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server;

/// <summary>Offline administration (`likeness users …`) against the same database the server uses.</summary>
public static class LikenessAdmin
{
    public static async Task<ServiceProvider> OpenAsync(ServerSettings settings, CancellationToken ct)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddLikenessDatabase(settings.Database, Path.GetFullPath(settings.DataPath));
        services.AddSingleton<TokenService>();
        var provider = services.BuildServiceProvider();
        await DatabaseSetup.MigrateAsync(provider, ct);
        return provider;
    }

    public static async Task<string> CreateUserAsync(ServerSettings settings, string name, CancellationToken ct)
    {
        await using var provider = await OpenAsync(settings, ct);
        return (await provider.GetRequiredService<TokenService>().CreateUserAsync(name, ct)).Token;
    }

    public static async Task<string> IssueTokenAsync(ServerSettings settings, string name, CancellationToken ct)
    {
        await using var provider = await OpenAsync(settings, ct);
        return await provider.GetRequiredService<TokenService>().IssueTokenAsync(name, "cli", ct);
    }

    public static async Task<List<(string Name, DateTime CreatedAt, int Tokens)>> ListUsersAsync(ServerSettings settings, CancellationToken ct)
    {
        await using var provider = await OpenAsync(settings, ct);
        await using var db = await provider.GetRequiredService<IDbContextFactory<LikenessDb>>().CreateDbContextAsync(ct);
        var users = await db.Users.OrderBy(u => u.Name).Select(u => new { u.Name, u.CreatedAt, Tokens = u.Tokens.Count }).ToListAsync(ct);
        return users.Select(u => (u.Name, u.CreatedAt, u.Tokens)).ToList();
    }
}
