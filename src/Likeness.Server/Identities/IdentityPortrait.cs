using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Identities;

/// <summary>The image that stands for an identity in a composite: its front view when views exist, else its first accepted photo.</summary>
public sealed record IdentityPortrait(string BlobSha256, string Description)
{
    public static async Task<IdentityPortrait?> FindAsync(LikenessDb db, Guid identityId, CancellationToken ct)
    {
        var front = await db.IdentityViews.AsNoTracking().Where(v => v.IdentityId == identityId && v.Angle == IdentityViewNames.Front)
            .Select(v => v.BlobSha256).FirstOrDefaultAsync(ct);
        if (front is not null) return new IdentityPortrait(front, "front view");
        var photo = await db.IdentityPhotos.AsNoTracking().Where(p => p.IdentityId == identityId && p.CheckPassed)
            .OrderBy(p => p.CreatedAt).ThenBy(p => p.FileName).Select(p => new { p.BlobSha256, p.FileName }).FirstOrDefaultAsync(ct);
        return photo is null ? null : new IdentityPortrait(photo.BlobSha256, $"photo '{photo.FileName}'");
    }
}
