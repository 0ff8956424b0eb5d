namespace Likeness.Providers.LiveTests;

/// <summary>The Gemini scenarios of GeminiProtocolTests against the real API (one 1K image ≈ $0.067, one describe).</summary>
[Collection(LiveCollection.Name), Trait("Provider", "gemini")]
public sealed class GeminiContractTests(Live live)
{
    [Fact]
    public async Task Check_lists_served_models_and_the_defaults_are_among_them()
    {
        var rows = await live.Configured("gemini", "GEMINI_API_KEY").CheckAsync(default);
        Assert.All(rows, r => Assert.True(r.Status == CheckStatus.Ok, $"{r.Subject}: {r.Detail}"));
    }

    [Fact]
    public async Task Describe_returns_text()
    {
        live.Configured("gemini", "GEMINI_API_KEY");
        var result = await live.Service.RunAsync(new GenerationRequest
        {
            Operation = GenerationOperation.DescribeImage, Image = Live.Sample(), Route = "gemini:gemini-3.5-flash",
        }, Live.Context(), default);
        Assert.False(string.IsNullOrWhiteSpace(result.Text));
    }

    [Fact]
    public async Task Text_to_image_honours_image_config()
    {
        live.Configured("gemini", "GEMINI_API_KEY");
        var result = await live.Service.RunAsync(new GenerationRequest
        {
            Operation = GenerationOperation.TextToImage, Prompt = "a red apple on a wooden table, photo", Width = 1024, Height = 768,
            Route = "gemini:gemini-3.1-flash-image",
        }, Live.Context(), default);
        var image = Assert.Single(result.Images);
        Assert.InRange(image.Width!.Value / (double)image.Height!.Value, 1.2, 1.45); // 4:3 asked
    }

    [Fact]
    public async Task A_wrong_key_is_unauthorized()
    {
        using var gemini = new Gemini.GeminiProvider(new HttpClient(), Microsoft.Extensions.Options.Options.Create(new Gemini.GeminiOptions { ApiKey = "AIza-wrong-key" }));
        var ex = await Assert.ThrowsAsync<ProviderException>(() => gemini.RunAsync(new GenerationRequest
        {
            Operation = GenerationOperation.DescribeImage, Image = Live.Sample(),
        }, "gemini-3.5-flash", new ProviderCall("gemini", "gemini-3.5-flash", DateTimeOffset.UtcNow.AddMinutes(1)), default));
        Assert.Equal(FailureKind.Unauthorized, ex.Kind);
    }
}
