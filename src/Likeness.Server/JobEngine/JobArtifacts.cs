using System.Security.Cryptography;
using System.Text;
using Likeness.Jobs;
using Likeness.Server.Blobs;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.JobEngine;

/// <summary>
/// Asset access for steps, scoped to the job's owner. Saved assets get an id derived from the step
/// and the asset's name, so a step re-run after a crash finds its earlier output instead of duplicating it.
/// </summary>
sealed class JobArtifacts(IDbContextFactory<LikenessDb> dbFactory, IBlobStore blobs, Guid ownerId, Guid jobId, Guid stepId) : IJobArtifacts
{
    public async Task<JobAssetInfo?> FindAssetAsync(Guid assetId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var a = await db.Assets.AsNoTracking().SingleOrDefaultAsync(a => a.Id == assetId && a.OwnerId == ownerId, ct);
        return a is null ? null : new JobAssetInfo(a.Id, Api.Json.Wire(a.Type), a.Folder, a.Name, a.BlobSha256, a.MediaType, a.Size, a.Width, a.Height);
    }

    public async Task<Stream> OpenAssetAsync(Guid assetId, CancellationToken ct)
    {
        var asset = await FindAssetAsync(assetId, ct) ?? throw new PermanentJobException($"Asset {assetId} does not exist (it may have been deleted).");
        return await blobs.OpenReadAsync(asset.Sha256, ct)
            ?? throw new PermanentJobException($"The content of asset {assetId} ('{asset.Name}', sha256 {asset.Sha256}) is missing from the blob store; upload the same file again to restore it, then retry.");
    }

    public async Task<Guid> SaveAssetAsync(Stream content, NewJobAsset asset, CancellationToken ct)
    {
        if (!Enum.TryParse<AssetType>(asset.Type.Replace("_", ""), ignoreCase: true, out var type))
            throw new PermanentJobException($"'{asset.Type}' is not an asset type.");
        var id = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{stepId}/{asset.Type}/{asset.Folder}/{asset.Name}"))[..16]);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Assets.AnyAsync(a => a.Id == id, ct)) return id;
        var blob = await blobs.PutAsync(content, ct);
        db.Assets.Add(new Asset
        {
            Id = id, OwnerId = ownerId, Type = type, Folder = asset.Folder, Name = asset.Name, BlobSha256 = blob.Sha256,
            MediaType = asset.MediaType, Size = blob.Size, Width = asset.Width, Height = asset.Height, IdentityId = asset.IdentityId, SourceJobId = jobId, CreatedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync(ct);
        return id;
    }
}
