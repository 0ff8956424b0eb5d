using System.Text.Json.Nodes;
using Likeness.Providers.Tests.Fakes;

namespace Likeness.Providers.Tests;

public sealed class HuggingFaceProtocolTests : IAsyncLifetime
{
    readonly Harness _h = new();
    FakeHuggingFace _hf = null!;
    const string Model = "black-forest-labs/FLUX.1-schnell";

    public async Task InitializeAsync() => _hf = await FakeHuggingFace.StartAsync(_h.Clock);
    public async Task DisposeAsync() { await _hf.DisposeAsync(); _h.Dispose(); }

    static GenerationRequest Prompt => new() { Operation = GenerationOperation.TextToImage, Prompt = "a lighthouse at dusk", Width = 512, Height = 768, Seed = 7 };

    Task<GenerationResult> Run(GenerationRequest request) => _h.Service().RunAsync(request, _h.Context(), CancellationToken.None);

    [Fact]
    public async Task Text_to_image_posts_inputs_and_parameters_and_stores_raw_bytes()
    {
        _h.AddHuggingFace(_hf);
        var result = await Run(Prompt);
        var request = Assert.Single(_hf.Inference);
        Assert.Equal($"/hf-inference/models/{Model}", request.Path);
        Assert.Equal($"Bearer {FakeHuggingFace.Key}", request.Header("authorization"));
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal("a lighthouse at dusk", (string)body["inputs"]!);
        Assert.Equal((512, 768, 7L), ((int)body["parameters"]!["width"]!, (int)body["parameters"]!["height"]!, (long)body["parameters"]!["seed"]!));
        Assert.Equal(FakeHuggingFace.Image, await _h.ReadStoredAsync(result.Images[0]));
    }

    [Fact]
    public async Task Model_loading_waits_the_estimated_time()
    {
        _h.AddHuggingFace(_hf);
        _hf.Faults.Repeat(Model, 2, FakeHuggingFace.Loading(20.5));
        await Run(Prompt);
        Assert.Equal([20.5, 20.5], Spacing.Seconds(_hf.Inference));
    }

    [Fact]
    public async Task Model_loading_uses_the_fixed_3_s_delay_when_estimates_are_off()
    {
        _h.AddHuggingFace(_hf, o => o.Retry.UseProviderEstimate = false);
        _hf.Faults.Repeat(Model, 3, FakeHuggingFace.Loading(20));
        await Run(Prompt);
        Assert.Equal([3.0, 3, 3], Spacing.Seconds(_hf.Inference));
    }

    [Fact]
    public async Task Rate_limit_headers_set_the_wait_and_slow_the_whole_provider()
    {
        var provider = _h.AddHuggingFace(_hf);
        _hf.Faults.Enqueue(Model, Fault.Status(429, """{"error": "Rate limit reached. You reached free usage limit (reset hourly)."}""",
            ("RateLimit", "\"api\";r=0;t=12"), ("RateLimit-Policy", "\"fixed window\";\"api\";q=500;w=300")));
        _h.Clock.AutoAdvance = false;
        var run = Run(Prompt);
        await FalProtocolTests.Until(() => _h.Clock.PendingTimers > 0);
        Assert.Equal(ManualClock.Start.AddSeconds(12), provider.Runtime.Health(true).RateLimitedUntil);
        _h.Clock.AutoAdvance = true;
        _h.Clock.Advance(TimeSpan.FromSeconds(13));
        await run;
        Assert.InRange(Assert.Single(Spacing.Seconds(_hf.Inference)), 12, 13);
    }

    [Fact]
    public async Task Slow_answer_past_the_attempt_timeout_is_retried()
    {
        _h.AddHuggingFace(_hf, o => o.AttemptTimeout = TimeSpan.FromMilliseconds(300));
        _hf.Faults.Enqueue(Model, Fault.Slow(TimeSpan.FromSeconds(5)));
        var result = await Run(Prompt);
        Assert.Single(result.Images);
        Assert.Equal([5.0], Spacing.Seconds(_hf.Inference));
        Assert.Contains("did not answer within 0.3 s", _h.Logs.All);
    }

    [Fact]
    public async Task Json_instead_of_an_image_is_treated_as_a_transient_error()
    {
        _h.AddHuggingFace(_hf);
        _hf.AnswerJsonInsteadOfImage = true;
        var ex = await Assert.ThrowsAsync<ProviderException>(() => Run(Prompt));
        Assert.Equal(FailureKind.Transient, ex.Kind);
        Assert.Contains("instead of an image", ex.Message);
        Assert.Equal(4, _hf.Inference.Count);
    }

    [Fact]
    public async Task Describe_sends_the_image_to_chat_completions()
    {
        _h.AddHuggingFace(_hf);
        var png = TestFiles.Png(5, 5);
        var result = await Run(new GenerationRequest { Operation = GenerationOperation.DescribeImage, Image = MediaInput.FromBytes(png) });
        Assert.Equal("a man with a beard wearing a blue jacket", result.Text);
        var request = Assert.Single(_hf.Inference);
        Assert.Equal("/v1/chat/completions", request.Path);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal("Qwen/Qwen2.5-VL-7B-Instruct", (string)body["model"]!);
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(png), (string)body["messages"]![0]!["content"]![1]!["image_url"]!["url"]!);
    }

    [Fact]
    public async Task A_partner_provider_from_the_mapping_answers_b64_json()
    {
        _hf.Mappings[Model] = FakeHuggingFace.Mapping(("hf-inference", Model, "staging", "text-to-image"), ("nebius", "black-forest-labs/flux-schnell", "live", "text-to-image"));
        _h.AddHuggingFace(_hf);
        var result = await Run(Prompt);
        var request = Assert.Single(_hf.Inference);
        Assert.Equal("/nebius/v1/images/generations", request.Path);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal(("black-forest-labs/flux-schnell", "b64_json", "a lighthouse at dusk"), ((string)body["model"]!, (string)body["response_format"]!, (string)body["prompt"]!));
        Assert.Equal(FakeHuggingFace.Image, await _h.ReadStoredAsync(result.Images[0]));
        Assert.Single(_hf.Server.Requests, r => r.Path == $"/api/models/{Model}" && r.Query.Contains("inferenceProviderMapping"));
    }

    [Fact]
    public async Task Fal_through_the_router_answers_a_url_that_is_downloaded()
    {
        _hf.Mappings[Model] = FakeHuggingFace.Mapping(("fal-ai", "fal-ai/flux/schnell", "live", "text-to-image"));
        _h.AddHuggingFace(_hf);
        var result = await Run(Prompt);
        Assert.Equal("/fal-ai/fal-ai/flux/schnell", Assert.Single(_hf.Inference).Path);
        Assert.Equal(FakeHuggingFace.Image, await _h.ReadStoredAsync(result.Images[0]));
    }

    [Fact]
    public async Task A_model_nobody_serves_fails_clearly_without_an_inference_call()
    {
        _hf.Mappings[Model] = FakeHuggingFace.Mapping(("replicate", "x/y", "live", "text-to-image"), ("nebius", "z", "staging", "text-to-image"));
        _h.AddHuggingFace(_hf);
        var ex = await Assert.ThrowsAsync<ProviderException>(() => Run(Prompt));
        Assert.Equal(FailureKind.ModelUnavailable, ex.Kind);
        Assert.Contains("live: replicate (text-to-image)", ex.Message);
        Assert.Empty(_hf.Inference);
    }

    [Fact]
    public async Task Check_reports_who_serves_each_model_not_just_that_the_repository_exists()
    {
        var provider = _h.AddHuggingFace(_hf, o => o.Models[GenerationOperation.DescribeImage] = ["Salesforce/blip-image-captioning-large", "nobody/missing"]);
        var rows = await provider.CheckAsync(default);
        Assert.Equal((CheckStatus.Ok, "text-to-image served by hf-inference"), (rows.Single(r => r.Subject == Model).Status, rows.Single(r => r.Subject == Model).Detail));
        var blip = rows.Single(r => r.Subject == "Salesforce/blip-image-captioning-large");
        Assert.Equal(CheckStatus.Warning, blip.Status);
        Assert.Contains("no inference provider serves it", blip.Detail);
        Assert.Equal(CheckStatus.Failed, rows.Single(r => r.Subject == "nobody/missing").Status);
    }

    [Fact]
    public async Task Loras_are_a_limitation_not_a_call()
    {
        _h.AddHuggingFace(_hf);
        var ex = await Assert.ThrowsAsync<ProviderException>(() => Run(Prompt with { Loras = [new LoraWeight("https://x/l.safetensors")] }));
        Assert.Equal(FailureKind.Unsupported, ex.Kind);
        Assert.Contains("takes neither LoRAs nor reference images", ex.Message);
        Assert.Empty(_hf.Server.Requests);
    }
}
