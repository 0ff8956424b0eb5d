using System.Security.Cryptography;
using System.Text.Json;
using Likeness.Jobs;
using Likeness.Server.Api;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Assets;

/// <summary>
/// `duplicate`: copies an asset into a folder under a new name after verifying its stored bytes
/// still match their SHA-256 address. Needs no image engine; batches of it organise libraries.
/// </summary>
public sealed record DuplicateInput(Guid AssetId, string? Folder = null, string? Name = null);

public sealed class DuplicateAssetKind(IDbContextFactory<LikenessDb> dbFactory) : IJobKind
{
    public const string Name = "duplicate";
    public string Kind => Name;
    public IReadOnlyList<string> Steps { get; } = ["verify", "copy"];

    public async Task<string?> ValidateAsync(JsonElement input, JobOwner owner, CancellationToken ct)
    {
        DuplicateInput? parsed;
        try { parsed = input.Deserialize<DuplicateInput>(Json.Options); }
        catch (JsonException e) { return $"is not a duplicate input ({{\"assetId\", \"folder\"?, \"name\"?}}): {ProblemExceptionHandler.Describe(e)}"; }
        if (parsed is null || parsed.AssetId == Guid.Empty) return "needs `assetId`.";
        var errors = new Errors();
        Names.CheckFolder(errors, "folder", parsed.Folder);
        Names.CheckName(errors, "name", parsed.Name, required: false);
        if (errors.Any) return errors.Summary();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Assets.AnyAsync(a => a.Id == parsed.AssetId && a.OwnerId == owner.UserId, ct) ? null : $"asset {parsed.AssetId} does not exist for this user.";
    }

    internal static DuplicateInput Parse(JobStepContext c) =>
        c.Input.Deserialize<DuplicateInput>(Json.Options) ?? throw new PermanentJobException("The job input is empty.");
}

public sealed class VerifyAssetStep : IJobStepHandler
{
    public string Kind => DuplicateAssetKind.Name;
    public string Name => "verify";

    public async Task<JobStepResult> ExecuteAsync(JobStepContext context, CancellationToken ct)
    {
        var input = DuplicateAssetKind.Parse(context);
        var asset = await context.Artifacts.FindAssetAsync(input.AssetId, ct) ?? throw new PermanentJobException($"Asset {input.AssetId} no longer exists.");
        await using var stream = await context.Artifacts.OpenAssetAsync(asset.Id, ct);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long read = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer, ct)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            read += n;
            context.Progress.Report(asset.Size == 0 ? 1 : (double)read / asset.Size);
        }
        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (actual != asset.Sha256)
            throw new PermanentJobException($"The stored bytes of asset '{asset.Name}' are corrupt (sha256 {actual}, expected {asset.Sha256}); upload the original file again, then retry.");
        return new JobStepResult(JsonSerializer.SerializeToElement(new { sha256 = actual, size = read }));
    }
}

public sealed class CopyAssetStep : IJobStepHandler
{
    public string Kind => DuplicateAssetKind.Name;
    public string Name => "copy";

    public async Task<JobStepResult> ExecuteAsync(JobStepContext context, CancellationToken ct)
    {
        var input = DuplicateAssetKind.Parse(context);
        var asset = await context.Artifacts.FindAssetAsync(input.AssetId, ct) ?? throw new PermanentJobException($"Asset {input.AssetId} no longer exists.");
        await using var stream = await context.Artifacts.OpenAssetAsync(asset.Id, ct);
        var id = await context.Artifacts.SaveAssetAsync(stream,
            new NewJobAsset(asset.Type, input.Folder ?? asset.Folder, input.Name ?? asset.Name, asset.MediaType, asset.Width, asset.Height), ct);
        context.Progress.Report(1);
        return new JobStepResult(OutputAssetIds: [id]);
    }
}
