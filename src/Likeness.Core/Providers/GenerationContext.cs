namespace Likeness.Providers;

/// <summary>Who asks, by when the step must be done, and where progress goes.</summary>
public sealed record GenerationContext(string UserId, DateTimeOffset? Deadline = null, IProgress<ProviderStatus>? Progress = null);
