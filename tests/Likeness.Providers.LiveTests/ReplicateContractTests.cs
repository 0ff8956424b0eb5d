namespace Likeness.Providers.LiveTests;

/// <summary>The Replicate scenarios of ReplicateProtocolTests against the real API (one flux-schnell image ≈ $0.003).</summary>
[Collection(LiveCollection.Name), Trait("Provider", "replicate")]
public sealed class ReplicateContractTests(Live live)
{
    [Fact]
    public async Task Check_finds_token_and_default_models()
    {
        var rows = await live.Configured("replicate", "REPLICATE_API_TOKEN").CheckAsync(default);
        Assert.All(rows, r => Assert.True(r.Status == CheckStatus.Ok, $"{r.Subject}: {r.Detail}"));
    }

    [Fact]
    public async Task Flux_schnell_makes_an_image()
    {
        live.Configured("replicate", "REPLICATE_API_TOKEN");
        var result = await live.Service.RunAsync(new GenerationRequest
        {
            Operation = GenerationOperation.TextToImage, Prompt = "a red apple on a wooden table", Width = 1024, Height = 1024,
            Route = "replicate:black-forest-labs/flux-schnell",
        }, Live.Context(), default);
        Assert.Single(result.Images);
    }

    [Fact]
    public async Task Steps_outside_the_published_schema_are_refused_before_sending()
    {
        live.Configured("replicate", "REPLICATE_API_TOKEN");
        var ex = await Assert.ThrowsAsync<ProviderException>(() => live.Service.RunAsync(new GenerationRequest
        {
            Operation = GenerationOperation.TextToImage, Prompt = "x", Steps = 28, Route = "replicate:black-forest-labs/flux-schnell",
        }, Live.Context(), default));
        Assert.Equal(FailureKind.Rejected, ex.Kind);
        Assert.Contains("num_inference_steps", ex.Message);
    }

    [Fact]
    public async Task The_webhook_signing_secret_is_served_to_the_token()
    {
        var replicate = (Replicate.ReplicateProvider)live.Configured("replicate", "REPLICATE_API_TOKEN");
        Assert.StartsWith("whsec_", await replicate.FetchWebhookSigningSecretAsync(default));
    }
}
