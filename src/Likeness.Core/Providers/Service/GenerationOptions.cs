namespace Likeness.Providers.Service;

/// <summary>Routing: which providers/models serve an operation, in order. Bound from "Providers:Generation".</summary>
public sealed class GenerationOptions
{
    /// <summary>Explicit routes per operation, each "provider" (all its models for the operation) or "provider:model".</summary>
    public Dictionary<GenerationOperation, List<string>> Routes { get; set; } = [];
    /// <summary>Order of providers for operations without explicit routes.</summary>
    public List<string> ProviderOrder { get; set; } = ["fal", "gemini", "replicate", "huggingface"];
    /// <summary>Deadline for a step when the caller gives none.</summary>
    public TimeSpan DefaultDeadline { get; set; } = TimeSpan.FromMinutes(10);
}
