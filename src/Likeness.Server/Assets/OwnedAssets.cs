using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Assets;

/// <summary>A field of a job input that names an asset, and whether it must be an image.</summary>
public readonly record struct AssetReference(string Field, Guid Id, bool Image);

/// <summary>
/// Every job kind checks the assets its input names at submit, the same way: they exist for this user, and
/// image fields name images. Otherwise the job would be accepted (202) and fail later.
/// </summary>
public static class OwnedAssets
{
    public static async Task<string?> ProblemAsync(IDbContextFactory<LikenessDb> dbFactory, Guid owner, IReadOnlyCollection<AssetReference> named, CancellationToken ct)
    {
        if (named.Count == 0) return null;
        var ids = named.Select(n => n.Id).Distinct().ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await db.Assets.AsNoTracking().Where(a => a.OwnerId == owner && ids.Contains(a.Id))
            .ToDictionaryAsync(a => a.Id, a => a.MediaType, ct);
        var unknown = named.Where(n => !found.ContainsKey(n.Id)).ToList();
        if (unknown.Count > 0)
            return $"{string.Join(", ", unknown.Select(u => $"`{u.Field}` {u.Id}"))} {(unknown.Count == 1 ? "does" : "do")} not exist for this user; GET /assets lists yours.";
        var notImages = named.Where(n => n.Image && !found[n.Id].StartsWith("image/", StringComparison.Ordinal)).ToList();
        return notImages.Count > 0 ? $"{string.Join(", ", notImages.Select(n => $"`{n.Field}` {n.Id} ({found[n.Id]})"))} must be an image asset." : null;
    }
}
