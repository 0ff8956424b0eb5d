using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Blobs;

/// <summary>Deletes blobs that no asset, photo or view (of any user) references any more.</summary>
public sealed class BlobCollector(IBlobStore blobs, ILogger<BlobCollector> log)
{
    public async Task<int> DeleteUnreferencedAsync(LikenessDb db, IEnumerable<string> candidates, CancellationToken ct)
    {
        var deleted = 0;
        foreach (var sha in candidates.Distinct())
        {
            var used = await db.Assets.AnyAsync(a => a.BlobSha256 == sha, ct)
                || await db.IdentityPhotos.AnyAsync(p => p.BlobSha256 == sha, ct)
                || await db.IdentityViews.AnyAsync(v => v.BlobSha256 == sha, ct);
            if (used) continue;
            await blobs.DeleteAsync(sha, ct);
            deleted++;
        }
        if (deleted > 0) log.LogInformation("Deleted {Count} unreferenced blob(s)", deleted);
        return deleted;
    }
}
