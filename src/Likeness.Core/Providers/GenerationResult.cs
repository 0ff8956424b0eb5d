namespace Likeness.Providers;

/// <summary>A provider output that is already in the output store (never a provider URL that may expire).</summary>
public sealed record StoredOutput(string Key, string ContentType, long Size, int? Width = null, int? Height = null, string? SourceUrl = null);

/// <summary>Why one route (provider:model) did not produce the result; kept so a job can show what was tried.</summary>
public sealed record RouteAttempt(string Provider, string Model, FailureKind? Failure, string? Reason, TimeSpan Duration);

public sealed record GenerationResult
{
    public required string Provider { get; init; }
    public required string Model { get; init; }
    public string? ProviderRequestId { get; init; }
    /// <summary>Images (generation, edit, inpaint, background removal, pose).</summary>
    public IReadOnlyList<StoredOutput> Images { get; init; } = [];
    /// <summary>Videos (image-to-video, lip-sync), checked to be MP4/MOV or WebM.</summary>
    public IReadOnlyList<StoredOutput> Videos { get; init; } = [];
    /// <summary>Image description text.</summary>
    public string? Text { get; init; }
    /// <summary>The trained LoRA weights (stored copy) and the provider URL it came from.</summary>
    public StoredOutput? LoraFile { get; init; }
    public decimal EstimatedUsd { get; init; }
    /// <summary>Every route tried before (and including) the one that succeeded.</summary>
    public IReadOnlyList<RouteAttempt> Attempts { get; init; } = [];
}
