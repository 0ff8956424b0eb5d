using Likeness.Providers.Fal;
using Likeness.Providers.Webhooks;
using Microsoft.Extensions.Options;

namespace Likeness.Server.Generation;

public enum WebhookCheck { Valid, Refused, KeysUnavailable }

/// <summary>Checks fal's Ed25519 webhook signature against fal's JWKS (URL configurable, so tests use a local key).</summary>
public sealed class FalWebhookVerifier
{
    readonly FalOptions _options;
    readonly FalJwks _jwks;
    readonly TimeProvider _time;

    public FalWebhookVerifier(IOptions<FalOptions> options, IHttpClientFactory http, TimeProvider time, ILogger<FalWebhookVerifier> log)
    {
        _options = options.Value;
        _time = time;
        _jwks = new FalJwks(http.CreateClient("fal-jwks"), new Uri(_options.WebhookJwksUrl), time, log);
    }

    const string NoMatch = "the signature does not match";

    public bool Enabled => _options.VerifyWebhooks;

    public async Task<(WebhookCheck Result, string? Problem)> CheckAsync(FalWebhookHeaders headers, byte[] body, CancellationToken ct)
    {
        if (!Enabled) return (WebhookCheck.Valid, null);
        // Missing headers, a stale timestamp or a malformed signature are refused without asking fal for keys,
        // so unauthenticated calls cannot make the server fetch anything.
        if (FalWebhookSignature.Problem(headers, body, [], _time.GetUtcNow()) is { } precheck && !precheck.StartsWith(NoMatch, StringComparison.Ordinal))
            return (WebhookCheck.Refused, precheck);
        try
        {
            var keys = await _jwks.KeysAsync(refresh: false, ct);
            var problem = FalWebhookSignature.Problem(headers, body, keys, _time.GetUtcNow());
            // An unknown key may mean fal rotated its keys: look once more with a fresh set.
            if (problem is not null && problem.StartsWith(NoMatch, StringComparison.Ordinal))
            {
                keys = await _jwks.KeysAsync(refresh: true, ct);
                problem = FalWebhookSignature.Problem(headers, body, keys, _time.GetUtcNow());
            }
            return problem is null ? (WebhookCheck.Valid, null) : (WebhookCheck.Refused, problem);
        }
        catch (HttpRequestException ex)
        {
            return (WebhookCheck.KeysUnavailable, ex.Message);
        }
    }
}
