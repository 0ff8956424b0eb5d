using Likeness.Providers;
using Likeness.Providers.Replicate;
using Microsoft.Extensions.Options;

namespace Likeness.Server.Generation;

/// <summary>
/// The secret Replicate webhooks are checked with: Providers:Replicate:WebhookSigningSecret when set, otherwise fetched
/// once with the API token from GET /v1/webhooks/default/secret (a failed fetch is retried after a minute).
/// No token and no secret: null, and webhooks are taken unsigned as before (they only wake a poller).
/// </summary>
public sealed class ReplicateWebhookSecret(IOptions<ReplicateOptions> options, IEnumerable<IGenerativeProvider> providers, TimeProvider time, ILogger<ReplicateWebhookSecret> log)
{
    static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(1);
    readonly SemaphoreSlim _gate = new(1, 1);
    string? _fetched;
    DateTimeOffset _failedAt = DateTimeOffset.MinValue;

    public sealed record Lookup(string? Secret, string? Problem);

    public async Task<Lookup> GetAsync(CancellationToken ct)
    {
        if (options.Value.WebhookSigningSecret is { Length: > 0 } configured) return new(configured, null);
        if (providers.OfType<ReplicateProvider>().FirstOrDefault(p => p.IsConfigured) is not { } replicate) return new(null, null);
        if (_fetched is not null) return new(_fetched, null);
        await _gate.WaitAsync(ct);
        try
        {
            if (_fetched is not null) return new(_fetched, null);
            if (time.GetUtcNow() - _failedAt < RetryAfterFailure) return new(null, "the signing secret could not be fetched from Replicate a moment ago");
            try
            {
                _fetched = await replicate.FetchWebhookSigningSecretAsync(ct);
                return new(_fetched, null);
            }
            catch (ProviderException ex)
            {
                _failedAt = time.GetUtcNow();
                log.LogWarning("Replicate webhook signing secret not fetched: {Error}", ex.Message);
                return new(null, ex.Message);
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
