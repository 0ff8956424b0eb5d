namespace Likeness.Providers;

/// <summary>The one lifecycle every provider is normalised to.</summary>
public enum ProviderPhase { Submitted, Queued, Running, Succeeded, Failed, Canceled }

/// <summary>A progress report: phase, plus queue position / logs / a human note when the provider gives them.</summary>
public sealed record ProviderStatus(
    ProviderPhase Phase,
    string Provider,
    string Model,
    string? RequestId = null,
    int? QueuePosition = null,
    IReadOnlyList<string>? Logs = null,
    string? Message = null);
