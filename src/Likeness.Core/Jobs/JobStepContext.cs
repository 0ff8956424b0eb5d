using System.Text.Json;

namespace Likeness.Jobs;

/// <summary>Everything a step needs: its job's input, earlier steps' outputs, progress and artifact storage.</summary>
public sealed class JobStepContext
{
    public required Guid JobId { get; init; }
    public required Guid StepId { get; init; }
    public required JobOwner Owner { get; init; }
    public required string StepName { get; init; }
    public required int Attempt { get; init; }
    public required JsonElement Input { get; init; }

    /// <summary>Output JSON of the steps that already succeeded, by step name.</summary>
    public required IReadOnlyDictionary<string, JsonElement> PreviousOutputs { get; init; }

    /// <summary>Reports this step's progress in 0..1.</summary>
    public required IProgress<double> Progress { get; init; }

    public required IJobArtifacts Artifacts { get; init; }
}

/// <summary>The result of one successful step.</summary>
public sealed record JobStepResult(
    JsonElement? Output = null,
    IReadOnlyList<Guid>? OutputAssetIds = null,
    decimal CostUsd = 0m)
{
    public static JobStepResult Empty { get; } = new();
}

/// <summary>Asset storage as steps see it: read inputs, write outputs, always within the job owner's space.</summary>
public interface IJobArtifacts
{
    /// <summary>Metadata of one of the owner's assets, or null when it does not exist for that owner.</summary>
    Task<JobAssetInfo?> FindAssetAsync(Guid assetId, CancellationToken cancellationToken);

    /// <summary>Opens an asset's bytes; throws <see cref="PermanentJobException"/> when its blob is missing.</summary>
    Task<Stream> OpenAssetAsync(Guid assetId, CancellationToken cancellationToken);

    /// <summary>Stores bytes as a new asset of the owner and returns its id.</summary>
    Task<Guid> SaveAssetAsync(Stream content, NewJobAsset asset, CancellationToken cancellationToken);
}

public sealed record JobAssetInfo(Guid Id, string Type, string Folder, string Name, string Sha256, string MediaType, long Size, int? Width, int? Height);

/// <param name="IdentityId">Set when the asset is derived from an identity (generated images, LoRA weights): it is erased with the identity.</param>
public sealed record NewJobAsset(string Type, string Folder, string Name, string MediaType, int? Width = null, int? Height = null, Guid? IdentityId = null);
