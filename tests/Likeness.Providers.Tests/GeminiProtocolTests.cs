using System.Text.Json.Nodes;
using Likeness.Imaging.Codecs;
using Likeness.Providers.Tests.Fakes;

namespace Likeness.Providers.Tests;

public sealed class GeminiProtocolTests : IAsyncLifetime
{
    readonly Harness _h = new();
    FakeGemini _gemini = null!;

    public async Task InitializeAsync() => _gemini = await FakeGemini.StartAsync(_h.Clock);
    public async Task DisposeAsync() { await _gemini.DisposeAsync(); _h.Dispose(); }

    static readonly byte[] Ref1 = TestFiles.Png(4, 4, 1, 1, 1), Ref2 = TestFiles.Png(4, 4, 2, 2, 2), Scene = TestFiles.Png(6, 6);

    static GenerationRequest Character => new()
    {
        Operation = GenerationOperation.TextToImage,
        Prompt = "the same woman walking on a beach",
        ReferenceImages = [MediaInput.FromBytes(Ref1), MediaInput.FromBytes(Ref2)],
    };

    Task<GenerationResult> Run(GenerationRequest request) => _h.Service().RunAsync(request, _h.Context(), CancellationToken.None);

    static List<JsonNode> Parts(RecordedRequest request) => JsonNode.Parse(request.Body)!["contents"]![0]!["parts"]!.AsArray().Select(p => p!).ToList();

    [Fact]
    public async Task Character_generation_sends_prompt_then_references_inline()
    {
        _h.AddGemini(_gemini);
        var result = await Run(Character);
        var request = Assert.Single(_gemini.Server.Requests);
        Assert.Equal("/v1beta/models/gemini-3.1-flash-image:generateContent", request.Path);
        Assert.Equal(FakeGemini.Key, request.Header("x-goog-api-key"));
        var parts = Parts(request);
        Assert.Equal("the same woman walking on a beach", (string)parts[0]["text"]!);
        Assert.Equal(Convert.ToBase64String(Ref1), (string)parts[1]["inlineData"]!["data"]!);
        Assert.Equal(Convert.ToBase64String(Ref2), (string)parts[2]["inlineData"]!["data"]!);
        Assert.Equal("image/png", (string)parts[1]["inlineData"]!["mimeType"]!);
        Assert.Contains("IMAGE", JsonNode.Parse(request.Body)!["generationConfig"]!["responseModalities"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(FakeGemini.Final, await _h.ReadStoredAsync(Assert.Single(result.Images)));
    }

    [Fact]
    public async Task Edit_sends_scene_then_references_then_prompt()
    {
        _h.AddGemini(_gemini);
        await Run(new GenerationRequest
        {
            Operation = GenerationOperation.ImageEdit, Prompt = "put her in the cafe scene",
            Image = MediaInput.FromBytes(Scene), ReferenceImages = [MediaInput.FromBytes(Ref1)],
        });
        var parts = Parts(Assert.Single(_gemini.Server.Requests));
        Assert.Equal(Convert.ToBase64String(Scene), (string)parts[0]["inlineData"]!["data"]!);
        Assert.Equal(Convert.ToBase64String(Ref1), (string)parts[1]["inlineData"]!["data"]!);
        Assert.Equal("put her in the cafe scene", (string)parts[2]["text"]!);
    }

    [Fact]
    public async Task The_last_image_part_of_a_multi_part_answer_wins()
    {
        _h.AddGemini(_gemini);
        _gemini.Mode = FakeGemini.Answer.TwoImages;
        var image = Assert.Single((await Run(Character)).Images);
        Assert.Equal((16, 12), (image.Width, image.Height));
    }

    [Fact]
    public async Task Describe_returns_the_text()
    {
        _h.AddGemini(_gemini);
        _gemini.Mode = FakeGemini.Answer.Text;
        var result = await Run(new GenerationRequest { Operation = GenerationOperation.DescribeImage, Image = MediaInput.FromBytes(Scene) });
        Assert.Equal("A woman in her thirties with short red hair and green eyes.", result.Text);
        Assert.Equal("/v1beta/models/gemini-3.5-flash:generateContent", _gemini.Server.Requests[0].Path);
        Assert.Empty(result.Images);
    }

    [Theory]
    [InlineData(FakeGemini.Answer.Safety, FailureKind.SafetyBlock, "safety filter")]
    [InlineData(FakeGemini.Answer.BlockedPrompt, FailureKind.BlockedPrompt, "for safety (PROHIBITED_CONTENT)")]
    [InlineData(FakeGemini.Answer.Recitation, FailureKind.Recitation, "resembled existing material")]
    public async Task Content_refusals_are_classified_and_not_retried_or_rerouted(FakeGemini.Answer mode, FailureKind kind, string reason)
    {
        _h.AddGemini(_gemini);
        _gemini.Mode = mode;
        var ex = await Assert.ThrowsAsync<ProviderException>(() => Run(Character));
        Assert.Equal(kind, ex.Kind);
        Assert.Contains(reason, ex.Message);
        Assert.Single(_gemini.Server.Requests);
    }

    [Theory]
    [InlineData(FakeGemini.Answer.NoImageFinish, FailureKind.EmptyResponse, "did not make one (NO_IMAGE)")]
    [InlineData(FakeGemini.Answer.ImageOther, FailureKind.EmptyResponse, "unspecified reason (IMAGE_OTHER)")]
    [InlineData(FakeGemini.Answer.ModelArmor, FailureKind.SafetyBlock, "Model Armor")]
    [InlineData(FakeGemini.Answer.Jailbreak, FailureKind.BlockedPrompt, "(JAILBREAK)")]
    public async Task Newer_finish_and_block_reasons_have_user_facing_messages(FakeGemini.Answer mode, FailureKind kind, string reason)
    {
        _h.AddGemini(_gemini, o => o.Models[GenerationOperation.TextToImage] = ["gemini-3.1-flash-image"]);
        _gemini.Mode = mode;
        var ex = await Assert.ThrowsAsync<ProviderException>(() => Run(Character));
        Assert.Equal(kind, ex.Kind);
        Assert.Contains(reason, ex.Message);
    }

    [Theory]
    [InlineData(768, 1024, "3:4", "1K")]
    [InlineData(1920, 1080, "16:9", "2K")]
    [InlineData(4096, 1756, "21:9", "4K")]
    [InlineData(1024, 1024, "1:1", "1K")]
    public async Task Size_is_sent_as_image_config_the_api_accepts(int width, int height, string ratio, string size)
    {
        _h.AddGemini(_gemini);
        await Run(Character with { Width = width, Height = height });
        var config = JsonNode.Parse(Assert.Single(_gemini.Server.Requests).Body)!["generationConfig"]!["imageConfig"]!;
        Assert.Equal((ratio, size), ((string)config["aspectRatio"]!, (string)config["imageSize"]!));
    }

    [Fact]
    public async Task An_edit_asks_for_the_scene_shape_not_the_default_size()
    {
        _h.AddGemini(_gemini);
        await Run(new GenerationRequest
        {
            Operation = GenerationOperation.ImageEdit, Prompt = "night", Width = 1024, Height = 1024,
            Image = MediaInput.FromBytes(TestFiles.Png(1920, 1080)),
        });
        var config = JsonNode.Parse(Assert.Single(_gemini.Server.Requests).Body)!["generationConfig"]!["imageConfig"]!;
        Assert.Equal(("16:9", "2K"), ((string)config["aspectRatio"]!, (string)config["imageSize"]!));
    }

    [Fact]
    public async Task Check_lists_served_models_across_pages_and_warns_about_retired_names()
    {
        _h.AddGemini(_gemini, o => o.Models[GenerationOperation.ImageEdit] = ["gemini-2.5-flash-image"]);
        var rows = await _h.Providers[0].CheckAsync(default);
        Assert.Equal(CheckStatus.Ok, rows.Single(r => r.Subject == "key").Status);
        Assert.Contains("4 models served", rows.Single(r => r.Subject == "key").Detail);
        Assert.Equal(CheckStatus.Ok, rows.Single(r => r.Subject == "gemini-3.5-flash").Status);
        var retired = rows.Single(r => r.Subject == "gemini-2.5-flash-image");
        Assert.Equal(CheckStatus.Warning, retired.Status);
        Assert.Contains("gemini-3-pro-image, gemini-3.1-flash-image", retired.Detail);
        Assert.Equal(2, _gemini.Server.Requests.Count(r => r.Path == "/v1beta/models"));
    }

    [Theory]
    [InlineData(FakeGemini.Answer.NoImage)]
    [InlineData(FakeGemini.Answer.NoCandidates)]
    public async Task Answers_without_an_image_are_empty_responses(FakeGemini.Answer mode)
    {
        _h.AddGemini(_gemini, o => o.Models[GenerationOperation.TextToImage] = ["gemini-3.1-flash-image"]);
        _gemini.Mode = mode;
        var ex = await Assert.ThrowsAsync<ProviderException>(() => Run(Character));
        Assert.Equal(FailureKind.EmptyResponse, ex.Kind);
        Assert.Contains("without an image", ex.Message);
    }

    [Theory]
    [InlineData("gemini-image-response.json", null)]
    [InlineData("gemini-safety-response.json", FailureKind.SafetyBlock)]
    [InlineData("gemini-blocked-prompt.json", FailureKind.BlockedPrompt)]
    public async Task Recorded_documentation_shapes_replay(string file, FailureKind? expected)
    {
        _h.AddGemini(_gemini);
        _gemini.Mode = FakeGemini.Answer.Recorded;
        _gemini.RecordedFile = file;
        if (expected is null)
        {
            var result = await Run(Character);
            Assert.Equal(ImageFormat.Png, ImageCodec.Identify(await _h.ReadStoredAsync(result.Images[0])).Format);
        }
        else Assert.Equal(expected, (await Assert.ThrowsAsync<ProviderException>(() => Run(Character))).Kind);
    }

    [Fact]
    public async Task Overload_storm_retries_every_3_s_until_the_window_then_switches_model()
    {
        _h.AddGemini(_gemini, o => o.Retry.OverloadedWindow = TimeSpan.FromSeconds(30));
        _gemini.Faults.Always("gemini-3.1-flash-image", FakeGemini.Overloaded);
        var result = await Run(Character);

        Assert.Equal("gemini-3-pro-image", result.Model);
        var storm = _gemini.Server.Requests.Where(r => r.Path.Contains("gemini-3.1-flash-image")).ToList();
        Assert.Equal(10, storm.Count);
        Assert.All(Spacing.Seconds(storm), gap => Assert.Equal(3, gap));
        Assert.Equal([FailureKind.Overloaded, null], result.Attempts.Select(a => a.Failure));
        Assert.Contains("Still overloaded after 10 attempts", result.Attempts[0].Reason);
        var rows = await _h.Ledger.ListAsync("alice", DateTimeOffset.MinValue, default);
        Assert.Equal(10, rows[0].HttpAttempts);
        Assert.Equal(0.134m, rows[1].EstimatedUsd);
    }

    [Fact]
    public async Task Overload_then_success_stays_on_the_first_model()
    {
        _h.AddGemini(_gemini);
        _gemini.Faults.Repeat("gemini-3.1-flash-image", 4, FakeGemini.Overloaded);
        var result = await Run(Character);
        Assert.Equal("gemini-3.1-flash-image", result.Model);
        Assert.Equal([3.0, 3, 3, 3], Spacing.Seconds(_gemini.Server.Requests));
    }

    [Fact]
    public async Task Quota_429_waits_the_retry_delay_with_jitter()
    {
        _h.AddGemini(_gemini);
        _gemini.Faults.Enqueue("gemini-3.1-flash-image", FakeGemini.Quota("7s"));
        await Run(Character);
        var gap = Assert.Single(Spacing.Seconds(_gemini.Server.Requests));
        Assert.InRange(gap, 7, 8);
    }

    [Fact]
    public async Task Internal_errors_back_off_5_10_20_then_give_up()
    {
        _h.AddGemini(_gemini, o => o.Models[GenerationOperation.TextToImage] = ["gemini-3.1-flash-image"]);
        _gemini.Faults.Always("gemini-3.1-flash-image", FakeGemini.Internal);
        var ex = await Assert.ThrowsAsync<ProviderException>(() => Run(Character));
        Assert.Equal(FailureKind.Transient, ex.Kind);
        Assert.Equal([5.0, 10, 20], Spacing.Seconds(_gemini.Server.Requests));
        Assert.Contains("Failed 4 times in a row", ex.Message);
    }

    [Fact]
    public async Task Invalid_key_is_unauthorized_with_the_fix()
    {
        _h.AddGemini(_gemini, o => o.ApiKey = "wrong-key-123456");
        var ex = await Assert.ThrowsAsync<ProviderException>(() => Run(Character));
        Assert.Equal(FailureKind.Unauthorized, ex.Kind);
        Assert.Contains("GEMINI_API_KEY", ex.Message);
        Assert.Equal(2, _gemini.Server.Requests.Count); // both models tried, no retries
    }

    [Fact]
    public async Task Url_references_are_refused_before_calling()
    {
        _h.AddGemini(_gemini);
        var ex = await Assert.ThrowsAsync<ProviderException>(() => Run(Character with { ReferenceImages = [MediaInput.FromUrl("https://x.example/a.png")] }));
        Assert.Contains("needs the images' bytes", ex.Message);
        Assert.Empty(_gemini.Server.Requests);
    }
}
