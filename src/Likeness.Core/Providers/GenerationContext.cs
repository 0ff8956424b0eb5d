namespace Likeness.Providers;

/// <summary>Who asks, by when the step must be done, and where progress goes.</summary>
public sealed record GenerationContext(string UserId, DateTimeOffset? Deadline = null, IProgress<ProviderStatus>? Progress = null)
{
    /// <summary>The job and step the work belongs to, when it runs as one; copied into every ledger row.</summary>
    public Guid? JobId { get; init; }
    public Guid? StepId { get; init; }
}
