using System.Text.Json.Nodes;
using Likeness.Providers.Tests.Fakes;
using Likeness.Providers.Webhooks;

namespace Likeness.Providers.Tests;

public sealed class ReplicateProtocolTests : IAsyncLifetime
{
    readonly Harness _h = new();
    FakeReplicate _rep = null!;

    public async Task InitializeAsync() => _rep = await FakeReplicate.StartAsync(_h.Clock);
    public async Task DisposeAsync() { await _rep.DisposeAsync(); _h.Dispose(); }

    static GenerationRequest Prompt => new() { Operation = GenerationOperation.TextToImage, Prompt = "a red fox", Width = 1344, Height = 768, ImageCount = 1 };

    Task<GenerationResult> Run(GenerationRequest request) => _h.Service().RunAsync(request, _h.Context(), CancellationToken.None);

    [Fact]
    public async Task Prefer_wait_finishes_in_the_create_call()
    {
        _h.AddReplicate(_rep);
        _rep.FinishWithinWait = true;
        var result = await Run(Prompt);
        var create = _rep.Server.Requests.First(r => r.Method == "POST");
        Assert.Equal("/v1/models/black-forest-labs/flux-schnell/predictions", create.Path);
        Assert.Equal("wait=60", create.Header("prefer"));
        Assert.Equal($"Bearer {FakeReplicate.Key}", create.Header("authorization"));
        Assert.Equal("16:9", (string)JsonNode.Parse(create.Body)!["input"]!["aspect_ratio"]!);
        Assert.DoesNotContain(_rep.Server.Requests, r => r.Path.StartsWith("/v1/predictions/"));
        Assert.Equal((24, 24), (result.Images[0].Width, result.Images[0].Height));
        Assert.Equal("pred001", result.ProviderRequestId);
    }

    [Fact]
    public async Task Polls_through_starting_and_processing_with_logs()
    {
        _h.AddReplicate(_rep, o => o.PreferWaitSeconds = 0);
        _rep.Script = ["starting", "starting", "processing", "succeeded"];
        await Run(Prompt);
        Assert.Null(_rep.Server.Requests.First(r => r.Method == "POST").Header("prefer"));
        var phases = _h.Progress.Items.Select(s => s.Phase).Distinct().ToList();
        Assert.Equal([ProviderPhase.Submitted, ProviderPhase.Queued, ProviderPhase.Running, ProviderPhase.Succeeded], phases);
        Assert.Contains("50%|#####     | 2/4", _h.Progress.Items.First(s => s.Phase == ProviderPhase.Running).Logs!);
        Assert.All(Spacing.Seconds(_rep.Server.Requests.Where(r => r.Path.StartsWith("/v1/predictions/"))), gap => Assert.Equal(1, gap));
    }

    [Fact]
    public async Task Pinned_version_uses_the_predictions_endpoint()
    {
        _h.AddReplicate(_rep, o => o.Models[GenerationOperation.TextToImage] = ["acme/portraits:5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa"]);
        await Run(Prompt);
        var create = _rep.Server.Requests.First(r => r.Method == "POST");
        Assert.Equal("/v1/predictions", create.Path);
        Assert.Equal("5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa", (string)JsonNode.Parse(create.Body)!["version"]!);
    }

    [Theory]
    [InlineData("failed", "CUDA out of memory", FailureKind.ProviderFailed, "Replicate's model failed: CUDA out of memory")]
    [InlineData("failed", "NSFW content detected. Try running it again, or try a different prompt.", FailureKind.SafetyBlock, "safety check blocked")]
    [InlineData("aborted", "", FailureKind.ProviderFailed, "aborted the prediction")]
    [InlineData("canceled", "", FailureKind.ProviderFailed, "canceled on its side")]
    public async Task Terminal_failures_are_classified(string status, string error, FailureKind kind, string reason)
    {
        _h.AddReplicate(_rep, o => o.Models[GenerationOperation.TextToImage] = ["black-forest-labs/flux-schnell"]);
        _rep.Script = ["starting", status];
        _rep.Error = error;
        var ex = await Assert.ThrowsAsync<ProviderException>(() => Run(Prompt));
        Assert.Equal(kind, ex.Kind);
        Assert.Contains(reason, ex.Message);
    }

    [Fact]
    public async Task Throttled_429_waits_retry_after()
    {
        _h.AddReplicate(_rep);
        _rep.Faults.Enqueue("create", Fault.Status(429, """{"detail": "Request was throttled. Expected available in 6 seconds.", "status": 429}""", ("Retry-After", "6")));
        await Run(Prompt);
        Assert.InRange(Spacing.Seconds(_rep.Server.Requests.Where(r => r.Method == "POST"))[0], 6, 7);
    }

    [Fact]
    public async Task Invalid_input_is_rejected_with_the_field()
    {
        _h.AddReplicate(_rep);
        _rep.Faults.Enqueue("create", Fault.Status(422, """{"title": "Input validation failed", "detail": "- input.aspect_ratio: must be one of...", "status": 422, "invalid_fields": [{"type": "enum", "field": "input.aspect_ratio", "description": "aspect_ratio must be one of the following: \"1:1\", \"16:9\""}]}"""));
        var ex = await Assert.ThrowsAsync<ProviderException>(() => Run(Prompt));
        Assert.Equal(FailureKind.Rejected, ex.Kind);
        Assert.Contains("Replicate rejected the request (HTTP 422: input.aspect_ratio: aspect_ratio must be one of", ex.Message);
        Assert.Single(_rep.Server.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task Webhook_fields_are_sent_when_configured()
    {
        _h.AddReplicate(_rep, o => o.WebhookUrl = "https://likeness.example/hooks/replicate");
        _rep.FinishWithinWait = true;
        await Run(Prompt);
        var body = JsonNode.Parse(_rep.Server.Requests.First(r => r.Method == "POST").Body)!;
        Assert.Equal("https://likeness.example/hooks/replicate", (string)body["webhook"]!);
        Assert.Equal(["start", "completed"], body["webhook_events_filter"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public async Task Cancellation_cancels_the_prediction()
    {
        _h.AddReplicate(_rep);
        _rep.Script = ["starting"];
        _h.Clock.AutoAdvance = false;
        using var cts = new CancellationTokenSource();
        var run = _h.Service().RunAsync(Prompt, _h.Context(), cts.Token);
        await FalProtocolTests.Until(() => _h.Clock.PendingTimers > 0);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Contains(_rep.Server.Requests, r => r.Path == "/v1/predictions/pred001/cancel" && r.Method == "POST");
    }

    [Fact]
    public async Task Steps_outside_the_published_schema_are_refused_before_sending()
    {
        _h.AddReplicate(_rep, o => o.Models[GenerationOperation.TextToImage] = ["black-forest-labs/flux-schnell"]);
        var ex = await Assert.ThrowsAsync<ProviderException>(() => Run(Prompt with { Steps = 28 }));
        Assert.Equal(FailureKind.Rejected, ex.Kind);
        Assert.Contains("'num_inference_steps' accepts 1 to 4, not 28", ex.Message);
        Assert.DoesNotContain(_rep.Server.Requests, r => r.Method == "POST");
        Assert.Single(_rep.Server.Requests, r => r.Path == "/v1/models/black-forest-labs/flux-schnell");
    }

    [Fact]
    public async Task Fill_pro_gets_its_own_field_names_and_a_single_uri_output()
    {
        _h.AddReplicate(_rep);
        _rep.FinishWithinWait = true;
        var png = TestFiles.Png(8, 8);
        var result = await Run(new GenerationRequest
        {
            Operation = GenerationOperation.Inpaint, Prompt = "red scarf", Steps = 30, GuidanceScale = 3,
            Image = MediaInput.FromBytes(png), Mask = MediaInput.FromBytes(png),
        });
        var input = JsonNode.Parse(_rep.Server.Requests.First(r => r.Method == "POST").Body)!["input"]!.AsObject();
        Assert.Equal((30, 3.0), ((int)input["steps"]!, (double)input["guidance"]!));
        Assert.False(input.ContainsKey("num_inference_steps"));
        Assert.Equal((24, 24), (result.Images[0].Width, result.Images[0].Height));
    }

    [Fact]
    public async Task Guidance_outside_fill_pro_range_names_the_field()
    {
        _h.AddReplicate(_rep);
        var png = TestFiles.Png(8, 8);
        var ex = await Assert.ThrowsAsync<ProviderException>(() => Run(new GenerationRequest
        {
            Operation = GenerationOperation.Inpaint, Prompt = "red scarf", GuidanceScale = 30,
            Image = MediaInput.FromBytes(png), Mask = MediaInput.FromBytes(png),
        }));
        Assert.Contains("'guidance' accepts 2 to 5, not 30", ex.Message);
    }

    [Fact]
    public async Task Kontext_single_string_output_is_stored_and_the_schema_is_cached()
    {
        _h.AddReplicate(_rep);
        _rep.FinishWithinWait = true;
        var edit = new GenerationRequest { Operation = GenerationOperation.ImageEdit, Prompt = "make it night", Image = MediaInput.FromUrl("https://cdn.example/a.png") };
        Assert.Single((await Run(edit)).Images);
        Assert.Single((await Run(edit)).Images);
        Assert.Single(_rep.Server.Requests, r => r.Path == "/v1/models/black-forest-labs/flux-kontext-pro");
        Assert.Equal(2, _rep.Server.Requests.Count(r => r.Method == "POST"));
    }

    [Fact]
    public async Task Webhook_signing_secret_is_fetched_with_the_token()
    {
        var provider = _h.AddReplicate(_rep);
        Assert.Equal(FakeReplicate.WebhookSecret, await provider.FetchWebhookSigningSecretAsync(default));
        var request = Assert.Single(_rep.Server.Requests);
        Assert.Equal(("/v1/webhooks/default/secret", $"Bearer {FakeReplicate.Key}"), (request.Path, request.Header("authorization")));
    }

    [Fact]
    public async Task Check_reports_missing_models_and_versions()
    {
        _rep.MissingModels.Add("black-forest-labs/flux-dev");
        var rows = await _h.AddReplicate(_rep).CheckAsync(default);
        Assert.Equal(CheckStatus.Ok, rows.Single(r => r.Subject == "black-forest-labs/flux-schnell").Status);
        Assert.Contains("latest version dp-8e2e6", rows.Single(r => r.Subject == "black-forest-labs/flux-schnell").Detail);
        var missing = rows.Single(r => r.Subject == "black-forest-labs/flux-dev");
        Assert.Equal(CheckStatus.Failed, missing.Status);
        Assert.Contains("no such model or version", missing.Detail);
    }

    [Fact]
    public void Webhook_signatures_verify_per_standard_webhooks()
    {
        const string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        var now = DateTimeOffset.FromUnixTimeSeconds(1_760_000_000);
        var body = """{"id": "pred001", "status": "succeeded"}""";
        var signature = ReplicateWebhook.Sign("msg_1", "1760000000", body, secret);
        Assert.True(ReplicateWebhook.Verify("msg_1", "1760000000", "v1,bogus " + signature, body, secret, now));
        Assert.False(ReplicateWebhook.Verify("msg_1", "1760000000", signature, body.Replace("succeeded", "failed"), secret, now));
        Assert.False(ReplicateWebhook.Verify("msg_1", "1760000000", signature, body, secret, now.AddMinutes(10)));
    }
}
