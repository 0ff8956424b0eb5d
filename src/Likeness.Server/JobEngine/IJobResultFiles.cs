using Likeness.Server.Data;

namespace Likeness.Server.JobEngine;

/// <summary>A file a job made that is not one of its output assets (e.g. an identity's views), for the results ZIP.</summary>
public sealed record JobResultFile(string Path, string BlobSha256);

/// <summary>Lets a feature add such files to `GET /jobs/{id}/results` without the engine knowing the feature.</summary>
public interface IJobResultFiles
{
    Task<IReadOnlyList<JobResultFile>> FilesAsync(LikenessDb db, Job job, Guid owner, CancellationToken ct);
}
