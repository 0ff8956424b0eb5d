using Likeness.Providers.Replicate;
using Microsoft.Extensions.Options;
using Likeness.Providers.Webhooks;

namespace Likeness.Server.Generation;

/// <summary>
/// Provider webhooks (anonymous: the providers call them). They only wake the call waiting on that request,
/// which then re-reads the result from the provider's API with our key, so nothing a webhook says is trusted
/// as output. Signatures are still checked (fal: Ed25519/JWKS; Replicate: HMAC with the configured secret, or the one fetched with the token)
/// so strangers cannot make us poll early. Redeliveries answer 200 and change nothing.
/// </summary>
public static class ProviderWebhookEndpoints
{
    public sealed record WebhookAnswer(string Delivery);

    public const string RateLimitPolicy = "provider-webhooks";

    /// <summary>Unauthenticated endpoints: a fixed window per client address (Likeness:Providers:WebhookRateLimitPerMinute, default 600).</summary>
    public static IServiceCollection AddProviderWebhookRateLimit(this IServiceCollection services, IConfiguration configuration)
    {
        var perMinute = configuration.GetValue("Likeness:Providers:WebhookRateLimitPerMinute", 600);
        return services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(RateLimitPolicy, http => System.Threading.RateLimiting.RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new System.Threading.RateLimiting.FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1) }));
        });
    }

    public static void MapProviderWebhooks(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/webhooks").WithTags("Provider webhooks").AllowAnonymous().RequireRateLimiting(RateLimitPolicy);
        g.MapPost("/fal", Fal).WithSummary("fal.ai queue webhook (fal_webhook=): verified with fal's Ed25519 keys, wakes the waiting job step.");
        g.MapPost("/replicate", Replicate).WithSummary("Replicate prediction webhook: verified with the signing secret when configured, wakes the waiting job step.");
    }

    static async Task<IResult> Fal(HttpRequest request, WebhookInbox inbox, FalWebhookVerifier verifier, TimeProvider time, ILogger<WebhookInbox> log, CancellationToken ct)
    {
        var body = await ReadBodyAsync(request, ct);
        var headers = new FalWebhookHeaders(Header(request, FalWebhookHeaders.RequestIdHeader), Header(request, FalWebhookHeaders.UserIdHeader),
            Header(request, FalWebhookHeaders.TimestampHeader), Header(request, FalWebhookHeaders.SignatureHeader));
        var (check, problem) = await verifier.CheckAsync(headers, body, ct);
        if (check == WebhookCheck.KeysUnavailable)
        {
            log.LogWarning("fal webhook not checked, keys unavailable: {Problem}", problem);
            // fal retries for two hours; the waiting step keeps polling meanwhile.
            return TypedResults.Problem(statusCode: 503, title: "Cannot verify fal webhooks right now",
                detail: $"fal's signing keys could not be loaded ({problem}); set Likeness:Providers:Fal:WebhookJwksUrl or try again later.");
        }
        if (check == WebhookCheck.Refused)
        {
            log.LogWarning("fal webhook refused: {Problem}", problem);
            return TypedResults.Problem(statusCode: 401, title: "Webhook signature not accepted", detail: $"This is not a delivery signed by fal: {problem}.");
        }
        return Deliver(inbox, log, () => FalWebhook.Parse(System.Text.Encoding.UTF8.GetString(body), time.GetUtcNow()));
    }

    static async Task<IResult> Replicate(HttpRequest request, WebhookInbox inbox, ReplicateWebhookSecret secrets,
        IOptions<ReplicateOptions> replicate, TimeProvider time, ILogger<WebhookInbox> log, CancellationToken ct)
    {
        var text = System.Text.Encoding.UTF8.GetString(await ReadBodyAsync(request, ct));
        var lookup = await secrets.GetAsync(ct);
        if (lookup.Problem is { } problem)
        {
            // Replicate retries failed deliveries; the waiting step keeps polling meanwhile.
            return TypedResults.Problem(statusCode: 503, title: "Cannot verify Replicate webhooks right now",
                detail: $"{problem}. Set Likeness:Providers:Replicate:WebhookSigningSecret or try again later.");
        }
        if (lookup.Secret is { Length: > 0 } secret)
        {
            var (id, timestamp, signature) = (Header(request, "webhook-id"), Header(request, "webhook-timestamp"), Header(request, "webhook-signature"));
            if (id is null || timestamp is null || signature is null || !ReplicateWebhook.Verify(id, timestamp, signature, text, secret, time.GetUtcNow()))
            {
                log.LogWarning("Replicate webhook refused: missing or wrong signature");
                return TypedResults.Problem(statusCode: 401, title: "Webhook signature not accepted",
                    detail: "This is not a delivery signed with the configured Replicate signing secret (webhook-id, webhook-timestamp, webhook-signature), or it is older than 5 minutes.");
            }
        }
        else if (!replicate.Value.AcceptUnsignedWebhooks)
        {
            return TypedResults.Problem(statusCode: 401, title: "Unsigned webhooks are not accepted",
                detail: "This server has no Replicate signing secret: set REPLICATE_API_TOKEN (the secret is then fetched) or Likeness:Providers:Replicate:WebhookSigningSecret. "
                    + "Likeness:Providers:Replicate:AcceptUnsignedWebhooks=true takes unsigned deliveries (closed networks only).");
        }
        return Deliver(inbox, log, () => ReplicateWebhook.Parse(text, time.GetUtcNow()));
    }

    static IResult Deliver(WebhookInbox inbox, ILogger log, Func<WebhookEvent> parse)
    {
        WebhookEvent webhook;
        try { webhook = parse(); }
        catch (FormatException ex)
        {
            return TypedResults.Problem(statusCode: 400, title: "Not a webhook body", detail: $"{ex.Message}.");
        }
        var delivery = inbox.Deliver(webhook);
        log.LogInformation("{Provider} webhook for {RequestId}: {Delivery}", webhook.Provider, webhook.RequestId, delivery);
        return TypedResults.Ok(new WebhookAnswer(delivery.ToString().ToLowerInvariant()));
    }

    static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    static string? Header(HttpRequest request, string name) => request.Headers.TryGetValue(name, out var v) && v.Count > 0 ? v.ToString() : null;
}
