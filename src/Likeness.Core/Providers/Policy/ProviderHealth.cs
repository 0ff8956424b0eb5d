namespace Likeness.Providers.Policy;

/// <summary>What health output shows per provider: configured, breaker state, throttling, last failure.</summary>
public sealed record ProviderHealth(
    string Provider,
    bool Configured,
    string Circuit,
    DateTimeOffset? RateLimitedUntil,
    string? LastFailure,
    DateTimeOffset? LastFailureAt);
