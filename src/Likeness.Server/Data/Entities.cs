using Likeness.Jobs;
using Likeness.Providers;
using Likeness.Providers.Costs;

namespace Likeness.Server.Data;

// Persisted domain. Every owned resource carries OwnerId; queries always filter on it so that
// another user's ids answer 404. Times are UTC.

public sealed class User
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public DateTime CreatedAt { get; set; }
    public List<ApiToken> Tokens { get; set; } = [];
}

public sealed class ApiToken
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public required string Name { get; set; }
    /// <summary>SHA-256 of the token, hex. The token itself is shown once and never stored.</summary>
    public required string TokenHash { get; set; }
    public DateTime CreatedAt { get; set; }
}

public enum IdentityStatus { None, Preparing, Ready, Error }

public sealed class Identity
{
    public Guid Id { get; set; }
    public Guid OwnerId { get; set; }
    public required string Name { get; set; }
    public string? Gender { get; set; }
    public string? HairColour { get; set; }
    public string? EyeColour { get; set; }
    public string? Build { get; set; }
    public string? AgeRange { get; set; }
    public string? Description { get; set; }
    public required string ConsentAttestedBy { get; set; }
    public DateTime ConsentAttestedAt { get; set; }
    public required string ConsentStatement { get; set; }
    public IdentityStatus Status { get; set; }
    public string? StatusReason { get; set; }
    /// <summary>Face embedding template (biometric); written by the vision engine.</summary>
    public byte[]? EmbeddingTemplate { get; set; }
    public string? LoraProvider { get; set; }
    public string? LoraUrl { get; set; }
    public string? LoraTriggerWord { get; set; }
    public double? LoraScale { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public List<IdentityPhoto> Photos { get; set; } = [];
    public List<IdentityView> Views { get; set; } = [];
}

public sealed class IdentityPhoto
{
    public Guid Id { get; set; }
    public Guid IdentityId { get; set; }
    public required string FileName { get; set; }
    public required string BlobSha256 { get; set; }
    public required string MediaType { get; set; }
    public long Size { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public bool CheckPassed { get; set; }
    /// <summary>JSON array of human-readable check findings.</summary>
    public string CheckReasons { get; set; } = "[]";
    public DateTime CreatedAt { get; set; }
}

public sealed class IdentityView
{
    public Guid Id { get; set; }
    public Guid IdentityId { get; set; }
    public required string Angle { get; set; }
    public required string BlobSha256 { get; set; }
    public required string MediaType { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public DateTime CreatedAt { get; set; }
}

public enum LoraStatus { Training, Ready, Failed, Canceled }

/// <summary>
/// One trained version of an identity's LoRA. Ready only when the weights were downloaded, verified as safetensors
/// and stored (<see cref="AssetId"/>); the current LoRA is the newest ready version, so a failed or canceled
/// training leaves the previous one in force. <see cref="PanelJson"/> holds its test-panel results.
/// </summary>
public sealed class IdentityLora
{
    public Guid Id { get; set; }
    public Guid IdentityId { get; set; }
    public int Version { get; set; }
    public LoraStatus Status { get; set; }
    public string? StatusReason { get; set; }
    public required string TriggerWord { get; set; }
    public int Steps { get; set; }
    public int Photos { get; set; }
    public string? Provider { get; set; }
    public string? Model { get; set; }
    /// <summary>The provider's URL of the weights (what generation passes back as the LoRA path).</summary>
    public string? SourceUrl { get; set; }
    public Guid? AssetId { get; set; }
    public long? SizeBytes { get; set; }
    public decimal EstimatedUsd { get; set; }
    public Guid? JobId { get; set; }
    public string? PanelJson { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public enum AssetType { Headshot, Background, SceneImage, LoraModel, TrainingVideo, VoiceSample, SoundEffect, Video }

public sealed class Asset
{
    public Guid Id { get; set; }
    public Guid OwnerId { get; set; }
    public AssetType Type { get; set; }
    public string Folder { get; set; } = "";
    public required string Name { get; set; }
    public required string BlobSha256 { get; set; }
    public required string MediaType { get; set; }
    public long Size { get; set; }
    public int? Width { get; set; }
    public int? Height { get; set; }
    /// <summary>Set when the asset was derived from an identity; erased with it.</summary>
    public Guid? IdentityId { get; set; }
    public Guid? SourceJobId { get; set; }
    public DateTime CreatedAt { get; set; }
}

public enum CompositeMode { Inpaint, Overlay, Generate, None }

public sealed class Scene
{
    public Guid Id { get; set; }
    public Guid OwnerId { get; set; }
    public required string Name { get; set; }
    public Guid? BackgroundAssetId { get; set; }
    public Guid? IdentityId { get; set; }
    public Guid? HeadshotAssetId { get; set; }
    public CompositeMode CompositeMode { get; set; }
    public string? MaskData { get; set; }
    public double PersonX { get; set; }
    public double PersonY { get; set; }
    public double PersonScale { get; set; } = 1;
    public double PersonRotation { get; set; }
    public string? Wardrobe { get; set; }
    public string? Pose { get; set; }
    public string? Prompt { get; set; }
    public string? ExportPreset { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public sealed class Job
{
    public Guid Id { get; set; }
    public Guid OwnerId { get; set; }
    public required string Kind { get; set; }
    public string InputJson { get; set; } = "{}";
    public JobStatus Status { get; set; }
    public double Progress { get; set; }
    public string? Error { get; set; }
    /// <summary>The batch this job is an item of.</summary>
    public Guid? ParentJobId { get; set; }
    public int? ItemIndex { get; set; }
    /// <summary>For a batch: how many items it has.</summary>
    public int ItemCount { get; set; }
    public string? IdempotencyKey { get; set; }
    public string? RequestHash { get; set; }
    public string? WebhookUrl { get; set; }
    public string? WebhookSecret { get; set; }
    public bool CancelRequested { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    /// <summary>The worker process running this job and until when (PostgreSQL deployments; see JobLeases).</summary>
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseExpiresAt { get; set; }
    public List<JobStep> Steps { get; set; } = [];
}

public sealed class JobStep
{
    public Guid Id { get; set; }
    public Guid JobId { get; set; }
    public int Index { get; set; }
    public required string Name { get; set; }
    public JobStatus Status { get; set; }
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; }
    public double Progress { get; set; }
    public string? OutputJson { get; set; }
    /// <summary>JSON array of asset ids.</summary>
    public string OutputAssetIds { get; set; } = "[]";
    public decimal CostUsd { get; set; }
    public string? Error { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public DateTime? NextAttemptAt { get; set; }
}

/// <summary>One execution of a step: written when it starts, closed when it ends (or found open after a crash).</summary>
public sealed class JobStepAttempt
{
    public Guid Id { get; set; }
    public Guid JobId { get; set; }
    public Guid StepId { get; set; }
    public int Attempt { get; set; }
    public JobStatus Outcome { get; set; }
    public string? Error { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
}

/// <summary>Ordered event log of a job, replayed to Server-Sent Events clients (Id is the SSE event id).</summary>
public sealed class JobEvent
{
    public long Id { get; set; }
    public Guid JobId { get; set; }
    public required string Type { get; set; }
    public required string DataJson { get; set; }
    public DateTime CreatedAt { get; set; }
}

public enum DeliveryStatus { Pending, Delivered, Failed }

public sealed class WebhookDelivery
{
    /// <summary>Sent as the Likeness-Delivery header so receivers can drop duplicates.</summary>
    public Guid Id { get; set; }
    public Guid JobId { get; set; }
    public required string Url { get; set; }
    public required string PayloadJson { get; set; }
    public DeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? DeliveredAt { get; set; }
}

/// <summary>
/// The cost ledger: one row per provider route tried (see Likeness.Providers.Costs.CostEntry), written by
/// DbCostLedger. Never holds secrets. JobId/StepId are set when the call ran as a job step.
/// </summary>
public sealed class GenerationLog
{
    public Guid Id { get; set; }
    /// <summary>The budget key: the user's name (budgets are configured per name).</summary>
    public required string UserId { get; set; }
    public Guid? JobId { get; set; }
    public Guid? StepId { get; set; }
    public required string Provider { get; set; }
    public required string Model { get; set; }
    public GenerationOperation Operation { get; set; }
    public CostOutcome Outcome { get; set; }
    public double Units { get; set; }
    public PriceUnit Unit { get; set; }
    public decimal EstimatedUsd { get; set; }
    public long DurationMs { get; set; }
    public FailureKind? Failure { get; set; }
    public string? Reason { get; set; }
    public string? RequestId { get; set; }
    public int HttpAttempts { get; set; }
    public DateTime CreatedAt { get; set; }
}
