using System.Net;
using System.Text.Json;
using Likeness.Compositing;
using Likeness.Imaging.Codecs;
using Likeness.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Tests;

/// <summary>POST /scenes/{id}/render runs the real local engine as a `scene-render` job.</summary>
[Collection(EngineCollection.Name)]
public sealed class SceneRenderTests(ServerFixture server)
{
    async Task<(Guid Background, Guid Headshot)> AssetsAsync(HttpClient alice) =>
        ((await alice.UploadAsset(TestPhotos.Sample("rocket.jpg"), type: "BACKGROUND", name: "rocket.jpg")).Id(),
         (await alice.UploadAsset(TestPhotos.Sample("astronaut.png"), type: "HEADSHOT", name: "astronaut.png")).Id());

    static async Task<Guid> SceneAsync(HttpClient client, object scene) => (await (await client.PostJson("/scenes", scene)).Json(HttpStatusCode.Created)).Id();

    async Task<(JsonElement Job, JsonElement Asset, byte[] Bytes)> RenderAsync(HttpClient alice, Guid scene, object? body = null)
    {
        // The body is optional: without one the scene renders with the defaults.
        var response = body is null ? await alice.PostAsync($"/scenes/{scene}/render", null) : await alice.PostJson($"/scenes/{scene}/render", body);
        var started = await response.Json(HttpStatusCode.Accepted);
        Assert.Equal("scene-render", started.GetProperty("kind").GetString());
        var job = await alice.WaitForJob(started.Id(), TimeSpan.FromMinutes(3));
        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.ToString());
        var output = job.GetProperty("steps")[0].GetProperty("outputAssetIds")[0].GetGuid();
        var asset = await (await alice.GetAsync($"/assets/{output}")).Json(HttpStatusCode.OK);
        return (job, asset, await alice.GetByteArrayAsync($"/assets/{output}/content"));
    }

    [Fact]
    public async Task Overlay_with_the_default_matting_places_the_headshot_automatically_and_exports_the_preset()
    {
        var alice = server.Alice();
        var (background, headshot) = await AssetsAsync(alice);
        var scene = await SceneAsync(alice, new { name = "Launch", compositeMode = "overlay", backgroundAssetId = background, headshotAssetId = headshot, exportPreset = "ig-feed" });

        var (job, asset, bytes) = await RenderAsync(alice, scene);
        Assert.Equal("SCENE_IMAGE", asset.GetProperty("type").GetString());
        Assert.Equal((1080, 1080), (asset.GetProperty("width").GetInt32(), asset.GetProperty("height").GetInt32()));
        var info = ImageCodec.Identify(bytes);
        Assert.Equal((1080, 1080), (info.Width, info.Height));
        var report = job.GetProperty("steps")[0].GetProperty("output");
        Assert.Equal("auto", report.GetProperty("placement").GetString());
        Assert.Equal("auto", report.GetProperty("compose").GetProperty("placement").GetProperty("method").GetString());
        Assert.Equal("isnet", report.GetProperty("compose").GetProperty("mattingModel").GetString());
        var provenance = ProvenanceRecord.Read(bytes)!;
        Assert.Equal("compose", provenance.Operation);
        Assert.Equal(scene.ToString(), provenance.Parameters["scene"]);
        Assert.Equal("ig-feed", provenance.Parameters["export"]);
        Assert.Equal(Sha(TestPhotos.Sample("astronaut.png")), provenance.InputSha256["person"]);
        var took = job.GetProperty("finishedAt").GetDateTime() - job.GetProperty("startedAt").GetDateTime();
        Console.WriteLine($"scene-render (overlay, quality matting, ig-feed): {took.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task An_explicit_position_is_used_as_given_and_an_identity_without_views_uses_its_first_photo()
    {
        var alice = server.Alice();
        var (background, _) = await AssetsAsync(alice);
        var identity = await alice.CreateIdentity("Placed");
        await (await alice.PostAsync($"/identities/{identity}/photos", Http.Photos(("first.png", TestPhotos.Face(300))))).Json(HttpStatusCode.Created);
        var scene = await SceneAsync(alice, new { name = "Placed", backgroundAssetId = background, identityId = identity, personPosition = new { x = 0.4, y = 0.6, scale = 0.5, rotation = 0 } });

        var (job, asset, _) = await RenderAsync(alice, scene, new { matting = "fast", folder = "tests/placed" });
        Assert.Equal((640, 427), (asset.GetProperty("width").GetInt32(), asset.GetProperty("height").GetInt32()));
        Assert.Equal("tests/placed", asset.GetProperty("folder").GetString());
        var report = job.GetProperty("steps")[0].GetProperty("output");
        Assert.Equal("0.4,0.6,0.5,0", report.GetProperty("placement").GetString());
        Assert.Equal("explicit", report.GetProperty("compose").GetProperty("placement").GetProperty("method").GetString());
        Assert.Contains("photo 'first.png'", report.GetProperty("person").GetString());
        await using var db = server.Db();
        Assert.Equal(identity, (await db.Assets.SingleAsync(a => a.Id == asset.Id())).IdentityId);
    }

    [Fact]
    public async Task Mode_none_exports_the_background_alone_at_the_preset_size()
    {
        var alice = server.Alice();
        var (background, _) = await AssetsAsync(alice);
        var scene = await SceneAsync(alice, new { name = "Plain", compositeMode = "none", backgroundAssetId = background, exportPreset = "ig-story" });
        var (job, asset, bytes) = await RenderAsync(alice, scene);
        Assert.Equal((1080, 1920), (asset.GetProperty("width").GetInt32(), asset.GetProperty("height").GetInt32()));
        Assert.Equal("none", job.GetProperty("steps")[0].GetProperty("output").GetProperty("person").GetString());
        Assert.Equal("scene-render", ProvenanceRecord.Read(bytes)!.Operation);
    }

    [Fact]
    public async Task Scenes_that_cannot_render_here_are_refused_before_anything_is_queued()
    {
        var alice = server.Alice();
        var (background, headshot) = await AssetsAsync(alice);
        var jobsBefore = await JobCount();

        var inpaint = await SceneAsync(alice, new { name = "Inpaint", compositeMode = "inpaint", backgroundAssetId = background, headshotAssetId = headshot });
        var provider = await (await alice.PostJson($"/scenes/{inpaint}/render", new { })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("compositeMode 'inpaint' needs a cloud provider and none is configured", provider.Detail());
        Assert.Contains("GEMINI_API_KEY", provider.Detail());
        var generate = await SceneAsync(alice, new { name = "Generate", compositeMode = "generate", backgroundAssetId = background });
        Assert.Contains("compositeMode 'generate' needs a cloud provider", (await (await alice.PostJson($"/scenes/{generate}/render", new { })).Problem(HttpStatusCode.UnprocessableEntity)).Detail());

        var noBackground = await SceneAsync(alice, new { name = "Empty", headshotAssetId = headshot });
        Assert.Contains("set backgroundAssetId", (await (await alice.PostJson($"/scenes/{noBackground}/render", new { })).Problem(HttpStatusCode.UnprocessableEntity)).Detail());
        var noPerson = await SceneAsync(alice, new { name = "Nobody", backgroundAssetId = background });
        Assert.Contains("set headshotAssetId", (await (await alice.PostJson($"/scenes/{noPerson}/render", new { })).Problem(HttpStatusCode.UnprocessableEntity)).Detail());
        var photoless = await SceneAsync(alice, new { name = "Photoless", backgroundAssetId = background, identityId = await alice.CreateIdentity("Photoless") });
        Assert.Contains("no accepted photos", (await (await alice.PostJson($"/scenes/{photoless}/render", new { })).Problem(HttpStatusCode.UnprocessableEntity)).Detail());

        var ready = await SceneAsync(alice, new { name = "Ready", backgroundAssetId = background, headshotAssetId = headshot });
        Assert.Contains("matting 'best' is not known", (await (await alice.PostJson($"/scenes/{ready}/render", new { matting = "best" })).Problem(HttpStatusCode.BadRequest)).Detail());
        Assert.Contains("Unknown field 'size'", (await (await alice.PostJson($"/scenes/{ready}/render", new { size = 3 })).Problem(HttpStatusCode.BadRequest)).Detail());
        await (await alice.PostJson($"/scenes/{Guid.NewGuid()}/render", new { })).Problem(HttpStatusCode.NotFound);
        await (await server.Bob().PostJson($"/scenes/{ready}/render", new { })).Problem(HttpStatusCode.NotFound);
        Assert.Equal(jobsBefore, await JobCount());
    }

    [SkippableFact]
    public async Task An_overlay_of_a_close_crop_fails_with_the_reason_and_stores_no_render()
    {
        var alice = server.Alice();
        var background = (await alice.UploadAsset(TestPhotos.Sample("rocket.jpg"), type: "BACKGROUND", name: "rocket.jpg")).Id();
        var crop = (await alice.UploadAsset(ComposeJobTests.CloseCrop(), type: "HEADSHOT", name: "crop.png")).Id();
        var scene = await SceneAsync(alice, new { name = "Crop", compositeMode = "overlay", backgroundAssetId = background, headshotAssetId = crop });
        var started = await (await alice.PostAsync($"/scenes/{scene}/render", null)).Json(HttpStatusCode.Accepted);
        var job = await alice.WaitForJob(started.Id(), TimeSpan.FromMinutes(3));
        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Contains("close face crop", job.GetProperty("error").GetString());
        Assert.Equal(0, job.GetProperty("steps")[0].GetProperty("outputAssetIds").GetArrayLength());
    }

    [Fact]
    public async Task Idempotency_key_returns_the_same_job_and_refuses_a_different_request()
    {
        var alice = server.Alice();
        var (background, _) = await AssetsAsync(alice);
        var scene = await SceneAsync(alice, new { name = "Twice", compositeMode = "none", backgroundAssetId = background });
        using var first = new HttpRequestMessage(HttpMethod.Post, $"/scenes/{scene}/render") { Content = JsonContent(new { }) };
        first.Headers.Add("Idempotency-Key", "render-twice");
        var job = await (await alice.SendAsync(first)).Json(HttpStatusCode.Accepted);
        using var again = new HttpRequestMessage(HttpMethod.Post, $"/scenes/{scene}/render") { Content = JsonContent(new { }) };
        again.Headers.Add("Idempotency-Key", "render-twice");
        Assert.Equal(job.Id(), (await (await alice.SendAsync(again)).Json(HttpStatusCode.OK)).Id());
        using var other = new HttpRequestMessage(HttpMethod.Post, $"/scenes/{scene}/render") { Content = JsonContent(new { matting = "fast" }) };
        other.Headers.Add("Idempotency-Key", "render-twice");
        Assert.Contains("already used for a different request", (await (await alice.SendAsync(other)).Problem(HttpStatusCode.UnprocessableEntity)).Detail());
        await alice.WaitForJob(job.Id());
    }

    async Task<int> JobCount()
    {
        await using var db = server.Db();
        return await db.Jobs.CountAsync();
    }

    static HttpContent JsonContent(object body) => System.Net.Http.Json.JsonContent.Create(body);

    static string Sha(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
}
