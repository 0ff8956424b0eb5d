using System.Net;
using System.Text.Json;
using Likeness.Compositing;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;
using Likeness.Providers.Tests.Fakes;
using Likeness.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Tests;

/// <summary>
/// Generated views and the cinematic chain as jobs over real HTTP; the loopback Gemini answers each call with a real
/// photo the test picks, and the server's own gate decides.
/// </summary>
public sealed class GeneratedIdentityJobsTests : IClassFixture<ProviderServerFixture>
{
    const string Leo = "identity/leonardo_dicaprio/";
    readonly ProviderServerFixture server;

    public GeneratedIdentityJobsTests(ProviderServerFixture server)
    {
        this.server = server;
        server.Fal.Script = ["COMPLETED"];
        server.Fal.ImageReplies.Clear();
        server.Gemini.Replies.Clear();
        server.Gemini.Faults.Clear("gemini-3.1-flash-image");
    }

    async Task<Guid> LeoAsync(HttpClient client)
    {
        var id = await client.CreateIdentity("Leo");
        foreach (var name in new[] { "img35.jpg", "img36.jpg", "img37.jpg" })
            await (await client.PostAsync($"/identities/{id}/photos", Http.Photos((name, TestPhotos.Shared(Leo + name))))).Json(HttpStatusCode.Created);
        return id;
    }

    static byte[] Png(Likeness.Imaging.RgbaImage image) => ImageCodec.Encode(image, ImageFormat.Png, new EncodeOptions { FastPngCompression = true });
    static byte[] Mirrored(string relative) => Png(ImageCodec.Decode(TestPhotos.Shared(relative), relative).FlipHorizontal());
    static byte[] Still()
    {
        var photo = ImageCodec.Decode(TestPhotos.Shared(Leo + "img37.jpg"), "img37.jpg");
        return Png(photo.Crop(new Likeness.Imaging.Rect(250, 0, 930, photo.Height))); // face about 20 % of the width, waist-up
    }

    void Reply(params byte[][] images) { foreach (var i in images) server.Gemini.Replies.Enqueue(FakeReply.Image(i)); }

    [SkippableFact]
    public async Task Views_job_generates_the_missing_views_through_the_gate_with_attempts_and_cost_on_the_step()
    {
        var alice = server.Alice();
        var identity = await LeoAsync(alice);
        var calls = server.Gemini.GenerateCalls.Count;
        Reply(TestPhotos.Shared("identity/angelina_jolie/img11.jpg"), TestPhotos.Shared("identity/angelina_jolie/img11.jpg"),
            Mirrored(Leo + "img34.jpg"), TestPhotos.Shared(Leo + "img34.jpg"),
            Mirrored(Leo + "img34.jpg"),
            TestPhotos.Shared("portraits/deepface/couple.jpg"), TestPhotos.Shared("portraits/deepface/couple.jpg"));

        var started = await (await alice.PostJson($"/identities/{identity}/views", new { matting = "fast", generate = "missing", attempts = 2 })).Json(HttpStatusCode.Accepted);
        var job = await alice.WaitForJob(started.Id(), TimeSpan.FromMinutes(5));

        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.ToString());
        Assert.Equal(7, server.Gemini.GenerateCalls.Count - calls);
        var angles = (await (await alice.GetAsync($"/identities/{identity}/views")).Json(HttpStatusCode.OK)).EnumerateArray().Select(v => v.GetProperty("angle").GetString()).ToList();
        Assert.Contains("three-quarter-left", angles);
        Assert.Contains("three-quarter-right", angles);
        Assert.DoesNotContain("profile-left", angles);
        Assert.DoesNotContain("profile-right", angles);

        var render = job.GetProperty("steps")[1];
        var views = render.GetProperty("output").GetProperty("views").EnumerateArray().ToDictionary(v => v.GetProperty("angle").GetString()!);
        var left = views["three-quarter-left"];
        Assert.True(left.GetProperty("generated").GetBoolean());
        Assert.Equal("left", left.GetProperty("subjectSide").GetString());
        Assert.Equal(2, left.GetProperty("attempts").GetArrayLength());
        Assert.True(left.GetProperty("attempts")[0].GetProperty("mirrored").GetBoolean());
        Assert.Contains("people in the image", views["profile-right"].GetProperty("missing").GetString());
        Assert.False(views["front"].GetProperty("generated").GetBoolean());

        await using var db = server.Db();
        var jobId = started.Id();
        var logs = await db.GenerationLogs.Where(g => g.JobId == jobId).ToListAsync();
        Assert.Equal(7, logs.Count);
        Assert.Equal(logs.Sum(l => l.EstimatedUsd), render.GetProperty("costUsd").GetDecimal());
    }

    [SkippableFact]
    public async Task Cinematic_job_runs_three_gated_steps_and_stores_each_image_with_its_provenance()
    {
        var alice = server.Alice();
        var identity = await LeoAsync(alice);
        var still = Still();
        Reply(still, TestPhotos.Shared(Leo + "img35.jpg"));
        server.Gemini.Replies.Enqueue(new FakeReply(null, FakeGemini.Answer.Text));
        Reply(still);

        var started = await (await alice.PostJson($"/identities/{identity}/cinematic", new { attempts = 2 })).Json(HttpStatusCode.Accepted);
        Assert.Equal("identity-cinematic", started.GetProperty("kind").GetString());
        var job = await alice.WaitForJob(started.Id(), TimeSpan.FromMinutes(5));

        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.ToString());
        var steps = job.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["still", "portrait", "final"], steps.Select(s => s.GetProperty("name").GetString()));
        foreach (var step in steps)
        {
            var output = step.GetProperty("output");
            var asset = output.GetProperty("assetId").GetGuid();
            var bytes = await (await alice.GetAsync($"/assets/{asset}/content")).Content.ReadAsByteArrayAsync();
            var provenance = ProvenanceRecord.Read(bytes);
            Assert.NotNull(provenance);
            Assert.Equal(ProvenanceRecord.GeneratedSourceType, provenance!.SourceType);
            Assert.Equal("gemini", provenance.Parameters["provider"]);
            Assert.True(double.Parse(provenance.Parameters["identitySimilarity"], System.Globalization.CultureInfo.InvariantCulture) > 0.5);
            Assert.True(step.GetProperty("costUsd").GetDecimal() > 0);
        }
        Assert.Equal(server.Gemini.Description, steps[2].GetProperty("output").GetProperty("description").GetString());
    }

    [SkippableFact]
    public async Task A_cinematic_step_that_never_passes_fails_the_job_with_every_verdict_and_no_retry()
    {
        var alice = server.Alice();
        var identity = await LeoAsync(alice);
        Reply(Still(), TestPhotos.Shared("identity/angelina_jolie/img11.jpg"), TestPhotos.Shared("identity/angelina_jolie/img11.jpg"));

        var started = await (await alice.PostJson($"/identities/{identity}/cinematic", new { attempts = 2 })).Json(HttpStatusCode.Accepted);
        var job = await alice.WaitForJob(started.Id(), TimeSpan.FromMinutes(5));

        Assert.Equal("failed", job.GetProperty("status").GetString());
        var error = job.GetProperty("error").GetString()!;
        Assert.Contains("step 2 (matched portrait): none of 2", error);
        Assert.Contains("another person", error);
        var steps = job.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal("succeeded", steps[0].GetProperty("status").GetString());
        Assert.Equal("failed", steps[1].GetProperty("status").GetString());
        Assert.Equal(1, steps[1].GetProperty("attempts").GetInt32());
        Assert.Empty(server.Gemini.Replies);
    }

    [SkippableFact]
    public async Task Compose_extends_a_close_crop_through_the_provider_when_the_extension_passes_the_gate()
    {
        var alice = server.Alice();
        var person = (await alice.UploadAsset(ComposeJobTests.CloseCrop(), type: "HEADSHOT", name: "crop.png")).Id();
        var scene = (await alice.UploadAsset(TestPhotos.Sample("rocket.jpg"), type: "BACKGROUND", name: "rocket.jpg")).Id();
        Reply(TestPhotos.Shared("identity/angelina_jolie/img6.jpg"));

        var started = await (await alice.PostJson("/compose", new { personAssetId = person, sceneAssetId = scene, matting = "fast" })).Json(HttpStatusCode.Accepted);
        var job = await alice.WaitForJob(started.Id(), TimeSpan.FromMinutes(3));

        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.ToString());
        var step = job.GetProperty("steps")[0];
        Assert.Contains("outpainting", step.GetProperty("output").GetProperty("extendedBy").GetString());
        Assert.NotEqual("close-crop", step.GetProperty("output").GetProperty("framing").GetString());
        Assert.True(step.GetProperty("costUsd").GetDecimal() > 0);

        var refused = await (await alice.PostJson("/compose", new { personAssetId = person, sceneAssetId = scene, matting = "fast", extendCrops = false })).Json(HttpStatusCode.Accepted);
        var failed = await alice.WaitForJob(refused.Id(), TimeSpan.FromMinutes(3));
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("close face crop", failed.GetProperty("error").GetString());
    }

    async Task<JsonElement> RenderSceneAsync(HttpClient alice, Guid identity, string mode)
    {
        var background = (await alice.UploadAsset(TestPhotos.Sample("rocket.jpg"), type: "BACKGROUND", name: "rocket.jpg")).Id();
        var scene = (await (await alice.PostJson("/scenes", new
        {
            name = $"Launch {mode}", compositeMode = mode, backgroundAssetId = background, identityId = identity,
            prompt = "The person standing in front of the launch pad at dusk.", wardrobe = "a dark navy suit", pose = "arms crossed",
        })).Json(HttpStatusCode.Created)).Id();
        var started = await (await alice.PostJson($"/scenes/{scene}/render", new { matting = "fast" })).Json(HttpStatusCode.Accepted);
        return await alice.WaitForJob(started.Id(), TimeSpan.FromMinutes(3));
    }

    [SkippableFact]
    public async Task An_inpainted_scene_that_passes_the_gate_is_delivered_with_the_scene_fields_in_the_prompt()
    {
        var alice = server.Alice();
        var identity = await LeoAsync(alice);
        server.Fal.ImageReplies.Enqueue(TestPhotos.Shared(Leo + "img35.jpg"));

        var job = await RenderSceneAsync(alice, identity, "inpaint");

        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.ToString());
        var output = job.GetProperty("steps")[0].GetProperty("output");
        Assert.Equal("inpaint", output.GetProperty("method").GetString());
        Assert.True(output.GetProperty("attempts")[0].GetProperty("passed").GetBoolean());
        var call = server.Fal.Jobs.Values.Last(j => j.Model == "fal-ai/flux-lora/inpainting");
        var prompt = call.Input["prompt"]!.GetValue<string>();
        Assert.Contains("launch pad at dusk", prompt);
        Assert.Contains("Wearing a dark navy suit", prompt);
        Assert.Contains("arms crossed", prompt);
        Assert.NotNull(call.Input["mask_url"]);
        var asset = job.GetProperty("steps")[0].GetProperty("outputAssetIds")[0].GetGuid();
        var provenance = ProvenanceRecord.Read(await (await alice.GetAsync($"/assets/{asset}/content")).Content.ReadAsByteArrayAsync());
        Assert.Equal(ProvenanceRecord.GeneratedSourceType, provenance!.SourceType);
        await using var db = server.Db();
        Assert.Equal(identity, (await db.Assets.SingleAsync(a => a.Id == asset)).IdentityId);
    }

    [SkippableFact]
    public async Task A_generated_scene_that_never_passes_falls_back_to_the_local_overlay_and_says_so()
    {
        var alice = server.Alice();
        var identity = await LeoAsync(alice);
        for (int i = 0; i < 3; i++) Reply(TestPhotos.Shared("identity/angelina_jolie/img11.jpg"));

        var job = await RenderSceneAsync(alice, identity, "generate");

        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.ToString());
        var output = job.GetProperty("steps")[0].GetProperty("output");
        Assert.Equal("overlay", output.GetProperty("method").GetString());
        Assert.Contains("local overlay was delivered", output.GetProperty("fallback").GetString());
        Assert.Contains("another person", output.GetProperty("fallback").GetString());
        Assert.Equal(3, output.GetProperty("attempts").GetArrayLength());
        var edits = server.Gemini.GenerateCalls.TakeLast(3).ToList();
        Assert.All(edits, c => Assert.Contains("Place the person from the reference photos into this scene", FakeGemini.PromptOf(c)));
        Assert.All(edits, c => Assert.Equal(1 + 3, FakeGemini.ImagesIn(c)));
    }
}
