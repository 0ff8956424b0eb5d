using System.Net;
using System.Text.Json;
using Likeness.Providers;
using Likeness.Providers.Costs;
using Likeness.Providers.Tests.Fakes;
using Likeness.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Tests;

/// <summary>The `generate` job kind over real HTTP, with fal.ai and Gemini played by loopback fakes.</summary>
public sealed class GenerateJobTests : IClassFixture<ProviderServerFixture>
{
    readonly ProviderServerFixture server;

    public GenerateJobTests(ProviderServerFixture server)
    {
        this.server = server;
        server.Fal.Faults.Clear("submit");
        server.Fal.Script = ["COMPLETED"];
        server.Gemini.Faults.Clear("gemini-3.1-flash-image");
    }

    static JsonElement Step(JsonElement job) => job.GetProperty("steps")[0];

    async Task<JsonElement> RunAsync(HttpClient client, object input)
    {
        var created = await (await client.PostJson("/jobs", new { kind = "generate", input })).Json(HttpStatusCode.Accepted);
        return await client.WaitForJob(created.Id());
    }

    [Fact]
    public async Task Text_to_image_through_fal_is_queued_runs_succeeds_and_stores_the_image_as_an_asset_with_its_cost()
    {
        server.Fal.Script = ["IN_QUEUE:1", "IN_PROGRESS", "COMPLETED"];
        var alice = server.Alice();
        var job = await RunAsync(alice, new { operation = "text-to-image", prompt = "a lighthouse at dusk", width = 512, height = 512 });

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        var step = Step(job);
        Assert.Equal("fal", step.GetProperty("output").GetProperty("provider").GetString());
        var assetId = step.GetProperty("outputAssetIds")[0].GetGuid();
        var asset = await (await alice.GetAsync($"/assets/{assetId}")).Json(HttpStatusCode.OK);
        Assert.Equal("SCENE_IMAGE", asset.GetProperty("type").GetString());
        Assert.Equal(TestFiles.Png(64, 48), await alice.GetByteArrayAsync($"/assets/{assetId}/content"));

        await using var db = server.Db();
        var jobId = job.Id();
        var log = Assert.Single(await db.GenerationLogs.Where(g => g.JobId == jobId).ToListAsync());
        Assert.Equal(("fal", "fal-ai/flux-lora", GenerationOperation.TextToImage, CostOutcome.Succeeded, "alice"), (log.Provider, log.Model, log.Operation, log.Outcome, log.UserId));
        var stepId = (await db.JobSteps.SingleAsync(s => s.JobId == jobId)).Id;
        Assert.Equal(stepId, log.StepId);
        Assert.True(log.EstimatedUsd > 0);
        Assert.Equal(log.EstimatedUsd, step.GetProperty("costUsd").GetDecimal());
        Assert.StartsWith("req-", log.RequestId);

        var statuses = (await db.JobEvents.Where(e => e.JobId == jobId && e.Type == "job").OrderBy(e => e.Id).Select(e => e.DataJson).ToListAsync())
            .Select(d => JsonDocument.Parse(d).RootElement.GetProperty("status").GetString()).ToList();
        Assert.Equal(["queued", "running", "succeeded"], statuses);
        var progress = (await db.JobEvents.Where(e => e.JobId == jobId && e.Type == "progress").Select(e => e.DataJson).ToListAsync())
            .Select(d => JsonDocument.Parse(d).RootElement.GetProperty("progress").GetDouble()).ToList();
        Assert.Contains(progress, p => p is > 0 and < 1);

        var submitted = server.Fal.Jobs[log.RequestId!];
        Assert.Equal($"{server.BaseAddress.ToString().TrimEnd('/')}/webhooks/fal", submitted.Webhook);
        Assert.Equal(512, submitted.Input["image_size"]!["width"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_503_storm_on_fal_falls_back_to_gemini()
    {
        server.Fal.Faults.Always("submit", Fault.Status(503, """{"detail": "Service temporarily overloaded"}"""));
        var falBefore = server.Fal.Server.Requests.Count;
        var job = await RunAsync(server.Alice(), new { operation = "text-to-image", prompt = "a red kite" });

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        var output = Step(job).GetProperty("output");
        Assert.Equal("gemini", output.GetProperty("provider").GetString());
        Assert.Equal("Overloaded", output.GetProperty("attempts")[0].GetProperty("failure").GetString());
        Assert.True(server.Fal.Server.Requests.Count - falBefore > 2, "fal was not retried before the fallback");
        Assert.Equal(FakeGemini.Final, await server.Alice().GetByteArrayAsync($"/assets/{Step(job).GetProperty("outputAssetIds")[0].GetGuid()}/content"));

        await using var db = server.Db();
        var jobId = job.Id();
        var logs = await db.GenerationLogs.Where(g => g.JobId == jobId).OrderBy(g => g.CreatedAt).ToListAsync();
        Assert.Equal([("fal", CostOutcome.Failed, (FailureKind?)FailureKind.Overloaded), ("gemini", CostOutcome.Succeeded, null)],
            logs.Select(l => (l.Provider, l.Outcome, l.Failure)).ToList());
        Assert.Equal(logs.Sum(l => l.EstimatedUsd), Step(job).GetProperty("costUsd").GetDecimal());
    }

    [Fact]
    public async Task A_fal_4xx_fails_the_job_with_the_providers_reason_and_is_not_retried()
    {
        server.Fal.Faults.Enqueue("submit", Fault.Status(422, """{"detail": [{"loc": ["body", "loras", 0, "path"], "msg": "Could not download the LoRA file", "type": "value_error"}]}"""));
        var (falBefore, geminiBefore) = (server.Fal.Server.Requests.Count, server.Gemini.Server.Requests.Count);
        var job = await RunAsync(server.Alice(), new { operation = "text-to-image", prompt = "me", loras = new[] { new { path = "https://example.invalid/me.safetensors", scale = 0.9 } } });

        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Contains("fal.ai rejected the LoRA URL: Could not download the LoRA file", job.GetProperty("error").GetString());
        Assert.Equal(1, Step(job).GetProperty("attempts").GetInt32());
        Assert.Equal(1, server.Fal.Server.Requests.Count - falBefore);
        Assert.Equal(geminiBefore, server.Gemini.Server.Requests.Count);
    }

    [Fact]
    public async Task Over_budget_work_is_refused_before_any_provider_sees_a_request()
    {
        var job = await RunAsync(server.Carol(), new { operation = "text-to-image", prompt = "a castle over budget" });

        Assert.Equal("failed", job.GetProperty("status").GetString());
        var error = job.GetProperty("error").GetString()!;
        Assert.Contains("Refused before any provider was called", error);
        Assert.Contains("monthly budget of $0.01", error);
        Assert.Equal(1, Step(job).GetProperty("attempts").GetInt32());
        // Other tests' jobs in this fixture may still poll the fakes: look for this request itself, by its prompt.
        Assert.DoesNotContain(server.Fal.Server.Requests.Concat(server.Gemini.Server.Requests), r => r.Body.Contains("a castle over budget"));
        await using var db = server.Db();
        var jobId = job.Id();
        Assert.All(await db.GenerationLogs.Where(g => g.JobId == jobId).ToListAsync(), l => Assert.Equal(CostOutcome.Refused, l.Outcome));
    }

    [Fact]
    public async Task A_signed_fal_webhook_delivered_twice_is_accepted_once_and_forgeries_are_refused()
    {
        server.Fal.Script = ["IN_PROGRESS"];
        var alice = server.Alice();
        var created = await (await alice.PostJson("/jobs", new { kind = "generate", input = new { operation = "text-to-image", prompt = "waves" } })).Json(HttpStatusCode.Accepted);
        var requestId = await WaitForFalRequestAsync("waves");
        var hook = server.BaseAddress + "webhooks/fal";

        var forged = """{"request_id": "REQ", "status": "OK", "payload": null}""".Replace("REQ", requestId);
        var signer = server.Fal.WebhookSigner;
        server.Fal.WebhookSigner = (System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), "user-test");
        await (await server.Fal.PostWebhookAsync(hook, requestId, forged)).Problem(HttpStatusCode.Unauthorized);
        server.Fal.WebhookSigner = null;
        await (await server.Fal.PostWebhookAsync(hook, requestId, forged)).Problem(HttpStatusCode.Unauthorized);
        server.Fal.WebhookSigner = signer;
        await (await server.Fal.PostWebhookAsync(hook, requestId, "{\"status\": \"OK\"}")).Problem(HttpStatusCode.BadRequest);

        server.Fal.Jobs[requestId].ForcedStatus = "COMPLETED";
        Assert.Equal("accepted", (await (await server.Fal.SendWebhookAsync(requestId)).Json(HttpStatusCode.OK)).GetProperty("delivery").GetString());
        Assert.Equal("duplicate", (await (await server.Fal.SendWebhookAsync(requestId)).Json(HttpStatusCode.OK)).GetProperty("delivery").GetString());
        var job = await alice.WaitForJob(created.Id());
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Single(server.Fal.Server.Requests, r => r.Method == "GET" && r.Path == $"/fal-ai/flux-lora/requests/{requestId}");
    }

    [Fact]
    public async Task Canceling_the_job_cancels_the_request_at_fal()
    {
        server.Fal.Script = ["IN_PROGRESS"];
        var alice = server.Alice();
        var created = await (await alice.PostJson("/jobs", new { kind = "generate", input = new { operation = "text-to-image", prompt = "cancel me" } })).Json(HttpStatusCode.Accepted);
        var requestId = await WaitForFalRequestAsync("cancel me");

        await (await alice.PostAsync($"/jobs/{created.Id()}/cancel", null)).Json(HttpStatusCode.Accepted);
        var job = await alice.WaitForJob(created.Id());
        Assert.Equal("canceled", job.GetProperty("status").GetString());
        // The job is canceled as soon as asked; the step then unwinds and cancels at fal: allow it a moment.
        var jobId = created.Id();
        CostOutcome? outcome = null;
        for (var until = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < until; await Task.Delay(100))
        {
            await using var db = server.Db();
            outcome = (await db.GenerationLogs.SingleOrDefaultAsync(g => g.JobId == jobId))?.Outcome;
            if (server.Fal.Jobs[requestId].Canceled && outcome is not null) break;
        }
        Assert.True(server.Fal.Jobs[requestId].Canceled, "the provider request was not canceled");
        Assert.Equal(CostOutcome.Canceled, outcome);
    }

    [Fact]
    public async Task Replicate_webhooks_are_idempotent_and_bad_bodies_are_400()
    {
        var anonymous = server.Client(null);
        var body = """{"id": "pred-webhook-1", "status": "succeeded", "output": ["https://example.invalid/x.png"]}""";
        Assert.Equal("accepted", (await (await Signed(anonymous, "msg-1", body)).Json(HttpStatusCode.OK)).GetProperty("delivery").GetString());
        Assert.Equal("duplicate", (await (await Signed(anonymous, "msg-2", body)).Json(HttpStatusCode.OK)).GetProperty("delivery").GetString());
        await (await Signed(anonymous, "msg-3", "not json")).Problem(HttpStatusCode.BadRequest);
        await (await Signed(anonymous, "msg-4", """{"status": "succeeded"}""")).Problem(HttpStatusCode.BadRequest);
        await (await anonymous.PostRaw("/webhooks/replicate", body)).Problem(HttpStatusCode.Unauthorized);
    }

    static Task<HttpResponseMessage> Signed(HttpClient client, string id, string body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/replicate") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp);
        request.Headers.Add("webhook-signature", Likeness.Providers.Webhooks.ReplicateWebhook.Sign(id, timestamp, body, ProviderServerFixture.ReplicateSecret));
        return client.SendAsync(request);
    }

    [Fact]
    public async Task Bad_generate_input_is_422_naming_what_is_wrong()
    {
        var alice = server.Alice();
        async Task<string> Refused(object input) =>
            (await (await alice.PostJson("/jobs", new { kind = "generate", input })).Problem(HttpStatusCode.UnprocessableEntity)).Detail();

        Assert.Contains("text-to-image, image-edit, inpaint, describe, remove-background, pose-control, train-lora", await Refused(new { operation = "paint" }));
        var missing = await Refused(new { operation = "inpaint", prompt = "a hat" });
        Assert.Contains("`imageAssetId`", missing);
        Assert.Contains("`maskAssetId`", missing);
        var unknown = Guid.NewGuid();
        Assert.Contains($"`imageAssetId` {unknown} does not exist for this user", await Refused(new { operation = "describe", imageAssetId = unknown }));
        var bobs = (await server.Bob().UploadAsset(TestImages.Png(32, 32, seed: 7))).Id();
        Assert.Contains("does not exist for this user", await Refused(new { operation = "remove-background", imageAssetId = bobs }));
        Assert.Contains("imageCount", await Refused(new { operation = "text-to-image", prompt = "x", imageCount = 50 }));
        Assert.Contains("route", await Refused(new { operation = "text-to-image", prompt = "x", route = "midjourney" }));
        Assert.Contains("`controlAssetId`", await Refused(new { operation = "pose-control", prompt = "x" }));
    }

    [Fact]
    public async Task Describe_puts_the_text_in_the_step_output()
    {
        server.Gemini.Mode = FakeGemini.Answer.Text;
        try
        {
            var alice = server.Alice();
            var photo = (await alice.UploadAsset(TestImages.Png(40, 40, seed: 3))).Id();
            var job = await RunAsync(alice, new { operation = "describe", imageAssetId = photo });
            Assert.Equal("succeeded", job.GetProperty("status").GetString());
            Assert.Contains("short red hair", Step(job).GetProperty("output").GetProperty("text").GetString());
            var sent = JsonDocument.Parse(server.Gemini.Server.Requests.Last(r => r.Path.Contains(":generateContent")).Body).RootElement;
            var images = sent.GetProperty("contents")[0].GetProperty("parts").EnumerateArray().Where(p => p.TryGetProperty("inlineData", out _))
                .Select(p => p.GetProperty("inlineData").GetProperty("data").GetString()).ToList();
            Assert.Equal([Convert.ToBase64String(TestImages.Png(40, 40, seed: 3))], images);
        }
        finally { server.Gemini.Mode = FakeGemini.Answer.Image; }
    }

    /// <summary>The fal request of the job with this prompt, once fal has been polled for it.</summary>
    async Task<string> WaitForFalRequestAsync(string prompt)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var polled = server.Fal.Jobs.Values.FirstOrDefault(j => j.Input["prompt"]?.GetValue<string>() == prompt && j.Polls > 0);
            if (polled is not null) return polled.Id;
            await Task.Delay(50);
        }
        throw new TimeoutException("fal never saw the job");
    }
}
