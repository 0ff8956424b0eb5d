namespace Likeness.Providers.Fal;

/// <summary>fal.ai queue API. Key from Providers:Fal:ApiKey or FAL_KEY.</summary>
public sealed class FalOptions : ProviderOptions
{
    public FalOptions()
    {
        BaseUrl = "https://queue.fal.run";
        RateLimit.RequestsPerMinute = 60;
    }

    /// <summary>Platform API, used by `providers check` to confirm the models exist.</summary>
    public string PlatformBaseUrl { get; set; } = "https://api.fal.ai/v1";
    /// <summary>fal's REST API, where inline inputs are uploaded to fal storage (see <see cref="UploadInlineInputs"/>).</summary>
    public string StorageBaseUrl { get; set; } = "https://rest.alpha.fal.ai";
    /// <summary>Upload inline images, masks and zips to fal storage and send URLs (fal's clients do); false = send data URIs.</summary>
    public bool UploadInlineInputs { get; set; } = true;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>When set, sent as fal_webhook=; polling then slows to <see cref="WebhookPollInterval"/> as a safety net.</summary>
    public string? WebhookUrl { get; set; }
    public TimeSpan WebhookPollInterval { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Where fal publishes the Ed25519 keys that sign its webhooks (a JWKS).</summary>
    public string WebhookJwksUrl { get; set; } = "https://rest.alpha.fal.ai/.well-known/jwks.json";
    /// <summary>Refuse webhooks whose signature does not verify against <see cref="WebhookJwksUrl"/>.</summary>
    public bool VerifyWebhooks { get; set; } = true;

    public int InferenceSteps { get; set; } = 28;
    public double GuidanceScale { get; set; } = 3.5;
    public int TrainingSteps { get; set; } = 1000;
}
