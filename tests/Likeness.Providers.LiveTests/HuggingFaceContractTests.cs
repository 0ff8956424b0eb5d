namespace Likeness.Providers.LiveTests;

/// <summary>The Hugging Face scenarios of HuggingFaceProtocolTests against the router and Hub (one FLUX.1-schnell image, one describe).</summary>
[Collection(LiveCollection.Name), Trait("Provider", "huggingface")]
public sealed class HuggingFaceContractTests(Live live)
{
    [Fact]
    public async Task Check_finds_a_live_provider_for_every_default_model()
    {
        var rows = await live.Configured("huggingface", "HF_TOKEN").CheckAsync(default);
        Assert.All(rows, r => Assert.True(r.Status == CheckStatus.Ok, $"{r.Subject}: {r.Detail}"));
    }

    [Fact]
    public async Task Text_to_image_runs_on_the_mapped_provider()
    {
        live.Configured("huggingface", "HF_TOKEN");
        var result = await live.Service.RunAsync(new GenerationRequest
        {
            Operation = GenerationOperation.TextToImage, Prompt = "a red apple on a wooden table", Width = 512, Height = 512,
            Route = "huggingface:black-forest-labs/FLUX.1-schnell",
        }, Live.Context(), default);
        Assert.Single(result.Images);
    }

    [Fact]
    public async Task Describe_returns_text()
    {
        live.Configured("huggingface", "HF_TOKEN");
        var result = await live.Service.RunAsync(new GenerationRequest
        {
            Operation = GenerationOperation.DescribeImage, Image = Live.Sample(), Route = "huggingface:Qwen/Qwen2.5-VL-7B-Instruct",
        }, Live.Context(), default);
        Assert.False(string.IsNullOrWhiteSpace(result.Text));
    }
}
