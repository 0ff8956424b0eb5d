using Likeness.Jobs;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Identities;

/// <summary>
/// Erasing an identity also erases the finished jobs that refer to it — by id, by a photo's id or hash, by a view's
/// hash or by an asset derived from it — with their steps, attempts, events, webhook deliveries and ledger rows.
/// Job input and step outputs carry those references, so scrubbing single fields would leave traces behind.
/// </summary>
public static class IdentityErasure
{
    public static async Task EraseJobsAsync(LikenessDb db, Identity identity, IEnumerable<Asset> derived, CancellationToken ct)
    {
        var markers = new[] { identity.Id.ToString() }
            .Concat(identity.Photos.SelectMany(p => new[] { p.Id.ToString(), p.BlobSha256 }))
            .Concat(identity.Views.SelectMany(v => new[] { v.Id.ToString(), v.BlobSha256 }))
            .Concat(derived.SelectMany(a => new[] { a.Id.ToString(), a.BlobSha256 }))
            .ToList();
        var jobs = await db.Jobs.AsNoTracking().Include(j => j.Steps).Where(j => j.OwnerId == identity.OwnerId).ToListAsync(ct);
        bool Mentions(string? text) => text is not null && markers.Any(m => text.Contains(m, StringComparison.OrdinalIgnoreCase));
        var hit = jobs.Where(j => j.Status.IsTerminal() && (Mentions(j.InputJson) || Mentions(j.Error)
            || j.Steps.Any(s => Mentions(s.OutputJson) || Mentions(s.OutputAssetIds) || Mentions(s.Error)))).Select(j => j.Id).ToHashSet();
        foreach (var child in jobs.Where(j => j.ParentJobId is { } parent && hit.Contains(parent))) hit.Add(child.Id);
        if (hit.Count == 0) return;
        var ids = hit.ToList();
        await db.JobEvents.Where(e => ids.Contains(e.JobId)).ExecuteDeleteAsync(ct);
        await db.JobStepAttempts.Where(a => ids.Contains(a.JobId)).ExecuteDeleteAsync(ct);
        await db.WebhookDeliveries.Where(d => ids.Contains(d.JobId)).ExecuteDeleteAsync(ct);
        await db.GenerationLogs.Where(g => g.JobId != null && ids.Contains(g.JobId.Value)).ExecuteDeleteAsync(ct);
        await db.JobSteps.Where(s => ids.Contains(s.JobId)).ExecuteDeleteAsync(ct);
        await db.Jobs.Where(j => ids.Contains(j.Id)).ExecuteDeleteAsync(ct);
    }

    /// <summary>SQLite keeps old page images in the WAL until a checkpoint: fold them in (secure_delete zeroes the freed content).</summary>
    public static async Task CheckpointAsync(LikenessDb db, CancellationToken ct)
    {
        if (db.Database.IsSqlite()) await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", ct);
    }
}
