using System.Text.Json.Nodes;
using Likeness.Imaging.Codecs;
using Likeness.Providers.Costs;
using Likeness.Providers.Tests.Fakes;

namespace Likeness.Providers.Tests;

public sealed class FalProtocolTests : IAsyncLifetime
{
    readonly Harness _h = new();
    FakeFal _fal = null!;

    public async Task InitializeAsync() => _fal = await FakeFal.StartAsync(_h.Clock);
    public async Task DisposeAsync() { await _fal.DisposeAsync(); _h.Dispose(); }

    static GenerationRequest Portrait => new()
    {
        Operation = GenerationOperation.TextToImage,
        Prompt = "portrait of TOK, studio light",
        Loras = [new LoraWeight("https://v3.fal.media/files/lora.safetensors", 0.9)],
        Width = 768, Height = 1024,
    };

    [Fact]
    public async Task Flux_lora_walks_the_queue_lifecycle_and_stores_the_image()
    {
        _h.AddFal(_fal);
        var result = await _h.Service().RunAsync(Portrait, _h.Context(), CancellationToken.None);

        Assert.Equal("fal", result.Provider);
        Assert.Equal("fal-ai/flux-lora", result.Model);
        Assert.Equal("req-0001", result.ProviderRequestId);
        var image = Assert.Single(result.Images);
        var info = ImageCodec.Identify(await _h.ReadStoredAsync(image));
        Assert.Equal((ImageFormat.Png, 64, 48), (info.Format, info.Width, info.Height));
        Assert.Equal((64, 48), (image.Width, image.Height));

        var phases = _h.Progress.Items.Select(s => s.Phase).Distinct().ToList();
        Assert.Equal([ProviderPhase.Submitted, ProviderPhase.Queued, ProviderPhase.Running, ProviderPhase.Succeeded], phases);
        Assert.Equal([2, 1], _h.Progress.Items.Where(s => s.Phase == ProviderPhase.Queued).Select(s => s.QueuePosition!.Value));
        Assert.Contains("step 14/28", _h.Progress.Items.Single(s => s.Phase == ProviderPhase.Running).Logs!);

        var polls = _fal.Server.Requests.Where(r => r.Path.EndsWith("/status")).ToList();
        Assert.Equal(4, polls.Count);
        Assert.All(Spacing.Seconds(polls), gap => Assert.Equal(1, gap));
        Assert.All(polls, p => Assert.Equal("/fal-ai/flux-lora/requests/req-0001/status", p.Path));
    }

    [Fact]
    public async Task Submit_body_has_the_documented_flux_lora_fields()
    {
        _h.AddFal(_fal);
        await _h.Service().RunAsync(Portrait, _h.Context(), CancellationToken.None);
        var submit = _fal.Server.Requests.First(r => r.Method == "POST");
        Assert.Equal("/fal-ai/flux-lora", submit.Path);
        Assert.Equal($"Key {FakeFal.Key}", submit.Header("authorization"));
        var body = JsonNode.Parse(submit.Body)!;
        Assert.Equal("https://v3.fal.media/files/lora.safetensors", (string)body["loras"]![0]!["path"]!);
        Assert.Equal(0.9, (double)body["loras"]![0]!["scale"]!);
        Assert.Equal(768, (int)body["image_size"]!["width"]!);
        Assert.Equal(28, (int)body["num_inference_steps"]!);
        Assert.Equal(3.5, (double)body["guidance_scale"]!);
    }

    [Fact]
    public async Task Lora_training_returns_the_weights_file_stored_locally()
    {
        _h.AddFal(_fal);
        var result = await _h.Service().RunAsync(new GenerationRequest
        {
            Operation = GenerationOperation.TrainLora,
            TrainingImagesZipUrl = "https://storage.example/photos.zip",
            TriggerWord = "TOK",
        }, _h.Context(), CancellationToken.None);

        var body = JsonNode.Parse(_fal.Server.Requests.First(r => r.Method == "POST").Body)!;
        Assert.Equal(("https://storage.example/photos.zip", "TOK", 1000), ((string)body["images_data_url"]!, (string)body["trigger_word"]!, (int)body["steps"]!));
        Assert.NotNull(result.LoraFile);
        Assert.Equal(TestFiles.Safetensors(), await _h.ReadStoredAsync(result.LoraFile!));
        Assert.EndsWith("/files/lora.safetensors", result.LoraFile!.SourceUrl);
        Assert.Equal(2.00m, result.EstimatedUsd);
    }

    [Fact]
    public async Task Inpainting_posts_to_the_subpath_but_polls_the_app_id()
    {
        _h.AddFal(_fal);
        var png = TestFiles.Png(8, 8);
        await _h.Service().RunAsync(new GenerationRequest
        {
            Operation = GenerationOperation.Inpaint, Prompt = "red scarf",
            Image = MediaInput.FromBytes(png), Mask = MediaInput.FromBytes(png),
        }, _h.Context(), CancellationToken.None);
        var submit = _fal.Server.Requests.Single(r => r.Method == "POST" && r.Path.StartsWith("/fal-ai/"));
        Assert.Equal("/fal-ai/flux-lora/inpainting", submit.Path);
        var body = JsonNode.Parse(submit.Body)!;
        Assert.StartsWith(_fal.FilesBase + "/", (string)body["mask_url"]!);
        Assert.All(_fal.Server.Requests.Where(r => r.Method == "GET" && !r.Path.StartsWith("/files")), r => Assert.StartsWith("/fal-ai/flux-lora/requests/", r.Path));
    }

    [Fact]
    public async Task Inline_inputs_are_uploaded_to_storage_and_sent_as_urls_without_the_key_on_the_upload()
    {
        _h.AddFal(_fal);
        var png = TestFiles.Png(8, 8, 10, 20, 30);
        await _h.Service().RunAsync(new GenerationRequest
        {
            Operation = GenerationOperation.RemoveBackground, Image = MediaInput.FromBytes(png),
        }, _h.Context(), CancellationToken.None);
        var initiate = Assert.Single(_fal.Server.Requests, r => r.Path == "/storage/upload/initiate");
        Assert.Equal($"Key {FakeFal.Key}", initiate.Header("authorization"));
        Assert.Equal("image/png", (string)JsonNode.Parse(initiate.Body)!["content_type"]!);
        var upload = Assert.Single(_fal.Server.Requests, r => r.Method == "PUT" && r.Path.StartsWith("/upload/"));
        Assert.Null(upload.Header("authorization"));
        Assert.Equal(png, Assert.Single(_fal.Uploads.Values));
        var sent = (string)JsonNode.Parse(_fal.Server.Requests.Single(r => r.Path == "/fal-ai/birefnet").Body)!["image_url"]!;
        Assert.Equal(_fal.FilesBase + "/" + upload.Path["/upload/".Length..], sent);
    }

    [Fact]
    public async Task A_data_uri_training_zip_is_uploaded_too()
    {
        _h.AddFal(_fal);
        var zip = new byte[] { 0x50, 0x4b, 0x03, 0x04, 1, 2, 3 };
        await _h.Service().RunAsync(new GenerationRequest
        {
            Operation = GenerationOperation.TrainLora, TriggerWord = "TOK",
            TrainingImagesZipUrl = "data:application/zip;base64," + Convert.ToBase64String(zip),
        }, _h.Context(), CancellationToken.None);
        Assert.Equal(zip, Assert.Single(_fal.Uploads.Values));
        var body = JsonNode.Parse(_fal.Server.Requests.Single(r => r.Path == "/fal-ai/flux-lora-fast-training").Body)!;
        Assert.StartsWith(_fal.FilesBase + "/", (string)body["images_data_url"]!);
    }

    [Fact]
    public async Task Background_removal_reads_the_single_image_field()
    {
        _h.AddFal(_fal);
        var result = await _h.Service().RunAsync(new GenerationRequest
        {
            Operation = GenerationOperation.RemoveBackground, Image = MediaInput.FromUrl("https://cdn.example/me.png"),
        }, _h.Context(), CancellationToken.None);
        Assert.Equal((32, 32), (result.Images[0].Width, result.Images[0].Height));
        Assert.Equal("https://cdn.example/me.png", (string)JsonNode.Parse(_fal.Server.Requests.First(r => r.Method == "POST").Body)!["image_url"]!);
    }

    [Fact]
    public async Task Invalid_lora_url_is_a_user_facing_rejection_without_retry()
    {
        _h.AddFal(_fal);
        _fal.Faults.Enqueue("submit", Fault.Status(422, """{"detail": [{"loc": ["body", "loras", 0, "path"], "msg": "URL could not be downloaded (403)", "type": "value_error"}]}"""));
        var ex = await Assert.ThrowsAsync<ProviderException>(() => _h.Service().RunAsync(Portrait, _h.Context(), CancellationToken.None));
        Assert.Equal(FailureKind.Rejected, ex.Kind);
        Assert.Equal("fal.ai rejected the LoRA URL: URL could not be downloaded (403)", ex.Message);
        Assert.Single(_fal.Server.Requests);
        var row = Assert.Single(await _h.Ledger.ListAsync("alice", DateTimeOffset.MinValue, default));
        Assert.Equal((CostOutcome.Failed, FailureKind.Rejected, 0m), (row.Outcome, row.Failure, row.EstimatedUsd));
    }

    [Fact]
    public async Task Completed_with_a_runner_error_fails_once_without_retrying_the_result()
    {
        _h.AddFal(_fal);
        _fal.Script = ["IN_PROGRESS", "COMPLETED:runner_server_error:GPU worker crashed"];
        var ex = await Assert.ThrowsAsync<ProviderException>(() => _h.Service().RunAsync(Portrait, _h.Context(), CancellationToken.None));
        Assert.Equal(FailureKind.ProviderFailed, ex.Kind);
        Assert.Contains("fal.ai could not run the request (runner_server_error): GPU worker crashed", ex.Message);
        Assert.Contains(_h.Progress.Items, s => s.Phase == ProviderPhase.Failed);
        Assert.Single(_fal.Server.Requests, r => r.Method == "GET" && r.Path == "/fal-ai/flux-lora/requests/req-0001");
    }

    [Fact]
    public async Task Completed_with_a_content_policy_violation_is_a_safety_block_by_type()
    {
        _h.AddFal(_fal);
        _fal.Script = ["COMPLETED:content_policy_violation:The content was flagged by a content checker."];
        var ex = await Assert.ThrowsAsync<ProviderException>(() => _h.Service().RunAsync(Portrait, _h.Context(), CancellationToken.None));
        Assert.Equal(FailureKind.SafetyBlock, ex.Kind);
        Assert.Contains("content checker refused the prompt", ex.Message);
    }

    [Fact]
    public async Task Content_policy_type_on_submit_is_a_safety_block_whatever_the_message_says()
    {
        _h.AddFal(_fal);
        _fal.Faults.Enqueue("submit", Fault.Status(422, """{"detail": [{"loc": ["body", "image_url"], "msg": "Rejected.", "type": "content_policy_violation", "url": "https://docs.fal.ai/errors#content_policy_violation"}]}"""));
        var ex = await Assert.ThrowsAsync<ProviderException>(() => _h.Service().RunAsync(Portrait, _h.Context(), CancellationToken.None));
        Assert.Equal(FailureKind.SafetyBlock, ex.Kind);
        Assert.Contains("refused the input image", ex.Message);
        Assert.Single(_fal.Server.Requests);
    }

    [Fact]
    public async Task A_message_that_mentions_safety_is_not_a_safety_block_without_the_type()
    {
        _h.AddFal(_fal);
        _fal.Faults.Enqueue("submit", Fault.Status(422, """{"detail": [{"loc": ["body", "enable_safety_checker"], "msg": "safety checker must be a boolean", "type": "bool_parsing"}]}"""));
        var ex = await Assert.ThrowsAsync<ProviderException>(() => _h.Service().RunAsync(Portrait, _h.Context(), CancellationToken.None));
        Assert.Equal(FailureKind.Rejected, ex.Kind);
    }

    [Fact]
    public async Task Retryable_false_header_stops_retries_of_a_server_error()
    {
        _h.AddFal(_fal);
        _fal.Faults.Enqueue("submit", Fault.Status(500, """{"detail": "Request timed out", "error_type": "internal_error"}""", ("X-Fal-Retryable", "false")));
        var ex = await Assert.ThrowsAsync<ProviderException>(() => _h.Service().RunAsync(Portrait, _h.Context(), CancellationToken.None));
        Assert.Equal(FailureKind.ProviderFailed, ex.Kind);
        Assert.Single(_fal.Server.Requests);
    }

    [Fact]
    public async Task Internal_error_without_the_header_is_retried()
    {
        _h.AddFal(_fal);
        _fal.Faults.Enqueue("submit", Fault.Status(500, """{"detail": "Unexpected", "error_type": "internal_error"}""", ("X-Fal-Error-Type", "internal_error")));
        Assert.Single((await _h.Service().RunAsync(Portrait, _h.Context(), CancellationToken.None)).Images);
        Assert.Equal(2, _fal.Server.Requests.Count(r => r.Method == "POST"));
    }

    [Fact]
    public async Task Nsfw_flagged_result_is_a_safety_block()
    {
        _h.AddFal(_fal);
        _fal.ResultOverride = """{"images": [{"url": "{files}/out-1.png", "width": 64, "height": 48}], "has_nsfw_concepts": [true]}""";
        var ex = await Assert.ThrowsAsync<ProviderException>(() => _h.Service().RunAsync(Portrait, _h.Context(), CancellationToken.None));
        Assert.Equal(FailureKind.SafetyBlock, ex.Kind);
        Assert.Contains("safety checker", ex.Message);
    }

    [Fact]
    public async Task Caller_cancellation_cancels_the_queued_request()
    {
        _h.AddFal(_fal);
        _fal.Script = ["IN_QUEUE:5"];
        _h.Clock.AutoAdvance = false;
        using var cts = new CancellationTokenSource();
        var run = _h.Service().RunAsync(Portrait, _h.Context(), cts.Token);
        await Until(() => _fal.Server.Requests.Any(r => r.Path.EndsWith("/status")));
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Contains(_fal.Server.Requests, r => r.Method == "PUT" && r.Path == "/fal-ai/flux-lora/requests/req-0001/cancel");
        Assert.True(_fal.Jobs["req-0001"].Canceled);
        Assert.Contains(_h.Progress.Items, s => s.Phase == ProviderPhase.Canceled);
        Assert.Equal(CostOutcome.Canceled, Assert.Single(await _h.Ledger.ListAsync(null, DateTimeOffset.MinValue, default)).Outcome);
    }

    [Fact]
    public async Task Deadline_while_queued_cancels_remotely_and_fails_clearly()
    {
        _h.AddFal(_fal);
        _fal.Script = ["IN_QUEUE:9"];
        var ex = await Assert.ThrowsAsync<ProviderException>(() => _h.Service().RunAsync(Portrait, _h.Context(deadline: TimeSpan.FromSeconds(20)), CancellationToken.None));
        Assert.Equal(FailureKind.DeadlineExceeded, ex.Kind);
        Assert.Contains("deadline", ex.Message);
        Assert.True(_fal.Jobs["req-0001"].Canceled);
        Assert.InRange(_h.Clock.Elapsed.TotalSeconds, 20, 21);
    }

    [Fact]
    public async Task Expired_result_url_fails_with_a_clear_reason_and_is_still_charged()
    {
        _h.AddFal(_fal);
        _fal.Files.Expire("out-1.png");
        var ex = await Assert.ThrowsAsync<ProviderException>(() => _h.Service().RunAsync(Portrait, _h.Context(), CancellationToken.None));
        Assert.Equal(FailureKind.OutputUnavailable, ex.Kind);
        Assert.Contains("expired or is gone (HTTP 410)", ex.Message);
        var row = Assert.Single(await _h.Ledger.ListAsync("alice", DateTimeOffset.MinValue, default));
        Assert.True(row.EstimatedUsd > 0, "the provider ran, so the attempt costs money");
    }

    [Fact]
    public async Task Queue_urls_on_a_foreign_host_never_receive_the_key()
    {
        await using var evil = await LoopbackServer.StartAsync((c, _) => Task.CompletedTask, _h.Clock);
        _h.AddFal(_fal);
        _fal.QueueUrlHost = evil.Root;
        var result = await _h.Service().RunAsync(Portrait, _h.Context(), CancellationToken.None);
        Assert.Single(result.Images);
        Assert.Empty(evil.Requests);
    }

    [Fact]
    public async Task Dropped_connection_on_submit_is_retried_after_5_s()
    {
        _h.AddFal(_fal);
        _fal.Faults.Enqueue("submit", Fault.Drop);
        await _h.Service().RunAsync(Portrait, _h.Context(), CancellationToken.None);
        var submits = _fal.Server.Requests.Where(r => r.Method == "POST").ToList();
        Assert.Equal(2, submits.Count);
        Assert.Equal([5.0], Spacing.Seconds(submits));
    }

    [Fact]
    public async Task Malformed_status_json_is_retried_with_backoff()
    {
        _h.AddFal(_fal);
        _fal.Faults.Enqueue("status", Fault.MalformedJson, Fault.MalformedJson);
        var result = await _h.Service().RunAsync(Portrait, _h.Context(), CancellationToken.None);
        Assert.Single(result.Images);
        var polls = _fal.Server.Requests.Where(r => r.Path.EndsWith("/status")).ToList();
        Assert.Equal([5.0, 10.0], Spacing.Seconds(polls).Take(2));
    }

    [Fact]
    public async Task Recorded_documentation_shapes_replay()
    {
        _h.AddFal(_fal);
        _fal.ResultOverride = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recorded", "fal-flux-lora-result.json"));
        Assert.Single((await _h.Service().RunAsync(Portrait, _h.Context(), CancellationToken.None)).Images);

        _fal.Faults.Enqueue("submit", Fault.Status(422, File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recorded", "fal-validation-error.json"))));
        var ex = await Assert.ThrowsAsync<ProviderException>(() => _h.Service().RunAsync(new GenerationRequest
        {
            Operation = GenerationOperation.TrainLora, TrainingImagesZipUrl = "https://storage.example/photos.zip", TriggerWord = "TOK",
        }, _h.Context(), CancellationToken.None));
        Assert.Equal("fal.ai rejected the training images zip: Failed to download the file. Please check if the URL is accessible.", ex.Message);
    }

    [Fact]
    public async Task Status_fields_of_the_wrong_type_are_an_unexpected_shape_not_a_crash()
    {
        _h.AddFal(_fal);
        _fal.Faults.Enqueue("status", Fault.Status(200, """{"status": 42}""", ("Content-Type", "application/json")));
        var ex = await Assert.ThrowsAsync<ProviderException>(() => _h.Service().RunAsync(Portrait, _h.Context(), CancellationToken.None));
        Assert.Contains("unknown status", ex.Message);
    }

    internal static async Task Until(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("condition not met within 10 s");
            await Task.Delay(10);
        }
    }
}
