using System.Text.Json;
using Likeness.Jobs;
using Likeness.Server.Api;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;
using Likeness.Server.JobEngine;

namespace Likeness.Server.Identities;

/// <summary>An identity-views job's results are the identity's views (they are not assets): views/{angle}.png in the ZIP.</summary>
public sealed class IdentityViewsResultFiles : IJobResultFiles
{
    public async Task<IReadOnlyList<JobResultFile>> FilesAsync(LikenessDb db, Job job, Guid owner, CancellationToken ct)
    {
        if (job.Kind != IdentityViewsKind.Name || job.Status != JobStatus.Succeeded) return [];
        var identityId = JsonSerializer.Deserialize<IdentityViewsInput>(job.InputJson, Json.Options)?.IdentityId;
        if (identityId is not { } identity || !await db.Identities.AnyAsync(i => i.Id == identity && i.OwnerId == owner, ct)) return [];
        var views = await db.IdentityViews.AsNoTracking().Where(v => v.IdentityId == identity).OrderBy(v => v.Angle).ToListAsync(ct);
        return views.Select(v => new JobResultFile($"views/{v.Angle}{(v.MediaType == "image/png" ? ".png" : ".jpg")}", v.BlobSha256)).ToList();
    }
}
