namespace Likeness.Providers.LiveTests;

/// <summary>The fal.ai scenarios of FalProtocolTests against the real queue API (fal-ai/flux-lora at 512×512 ≈ $0.035).</summary>
[Collection(LiveCollection.Name), Trait("Provider", "fal")]
public sealed class FalContractTests(Live live)
{
    [Fact]
    public async Task Check_finds_the_default_endpoints()
    {
        var rows = await live.Configured("fal", "FAL_KEY").CheckAsync(default);
        Assert.All(rows, r => Assert.True(r.Status == CheckStatus.Ok, $"{r.Subject}: {r.Detail}"));
    }

    [Fact]
    public async Task Text_to_image_walks_the_queue_and_stores_an_image()
    {
        live.Configured("fal", "FAL_KEY");
        var result = await live.Service.RunAsync(new GenerationRequest
        {
            Operation = GenerationOperation.TextToImage, Prompt = "a red apple on a wooden table, studio light",
            Width = 512, Height = 512, Steps = 8, Route = "fal:fal-ai/flux-lora",
        }, Live.Context(), default);
        var image = Assert.Single(result.Images);
        Assert.True(image.Width > 0 && image.Height > 0);
        Assert.NotNull(result.ProviderRequestId);
    }

    [Fact]
    public async Task An_unreachable_lora_url_is_a_classified_refusal_naming_the_lora()
    {
        live.Configured("fal", "FAL_KEY");
        var ex = await Assert.ThrowsAsync<ProviderException>(() => live.Service.RunAsync(new GenerationRequest
        {
            Operation = GenerationOperation.TextToImage, Prompt = "a red apple", Width = 512, Height = 512, Steps = 4,
            Loras = [new LoraWeight("https://127.0.0.1.invalid/missing.safetensors", 1.0)], Route = "fal:fal-ai/flux-lora",
        }, Live.Context(), default));
        Assert.True(ex.Kind is FailureKind.Rejected or FailureKind.ProviderFailed, $"{ex.Kind}: {ex.Message}");
        Assert.DoesNotContain(Environment.GetEnvironmentVariable("FAL_KEY")!, ex.Message);
    }

    [Fact]
    public async Task A_wrong_key_is_unauthorized()
    {
        using var fal = new Fal.FalProvider(new HttpClient(), Microsoft.Extensions.Options.Options.Create(new Fal.FalOptions { ApiKey = "0000:wrong" }));
        var rows = await fal.CheckAsync(default);
        Assert.Contains(rows, r => r.Status == CheckStatus.Failed && r.Detail.Contains("key refused", StringComparison.Ordinal));
    }
}
