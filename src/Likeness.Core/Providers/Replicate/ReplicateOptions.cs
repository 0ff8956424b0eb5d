namespace Likeness.Providers.Replicate;

/// <summary>Replicate predictions API. Token from Providers:Replicate:ApiKey or REPLICATE_API_TOKEN.</summary>
public sealed class ReplicateOptions : ProviderOptions
{
    public ReplicateOptions()
    {
        BaseUrl = "https://api.replicate.com/v1";
        RateLimit.RequestsPerMinute = 300;
        RateLimit.Burst = 10;
    }

    /// <summary>Seconds sent as "Prefer: wait=N" (1–60) so short predictions finish in the create call; 0 = no wait.</summary>
    public int PreferWaitSeconds { get; set; } = 60;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>When set, predictions carry webhook + webhook_events_filter; polling slows to <see cref="WebhookPollInterval"/>.</summary>
    public string? WebhookUrl { get; set; }
    public TimeSpan WebhookPollInterval { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>The whsec_ secret that signs webhooks (for <see cref="Webhooks.ReplicateWebhook.Verify"/>).</summary>
    public string? WebhookSigningSecret { get; set; }
    /// <summary>
    /// Take unsigned webhooks when no secret is configured or fetchable. Off by default: anyone could then post a
    /// forged "succeeded" with an output URL of their choosing. Only for a closed network; the server warns at start.
    /// </summary>
    public bool AcceptUnsignedWebhooks { get; set; }
}
