using System.Net;
using System.Text.Json;
using Likeness.Compositing;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;
using Likeness.Server.Tests.Support;

namespace Likeness.Server.Tests;

/// <summary>POST /compose runs the real local engine (models from the user's cache or LIKENESS_MODEL_MIRROR).</summary>
[Collection(EngineCollection.Name)]
public sealed class ComposeJobTests(ServerFixture server)
{
    static byte[] Sample(string file) => TestPhotos.Sample(file);

    [Fact]
    public async Task Compose_job_puts_the_person_into_the_scene_and_stores_the_result_with_provenance()
    {
        var alice = server.Alice();
        var person = (await alice.UploadAsset(Sample("astronaut.png"), type: "HEADSHOT", name: "astronaut.png")).Id();
        var scene = (await alice.UploadAsset(Sample("rocket.jpg"), type: "BACKGROUND", name: "rocket.jpg")).Id();
        var started = await (await alice.PostJson("/compose", new { personAssetId = person, sceneAssetId = scene, matting = "fast" })).Json(HttpStatusCode.Accepted);
        var job = await alice.WaitForJob(started.Id(), TimeSpan.FromMinutes(3));
        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.ToString());

        var step = job.GetProperty("steps")[0];
        var output = step.GetProperty("outputAssetIds")[0].GetGuid();
        var asset = await (await alice.GetAsync($"/assets/{output}")).Json(HttpStatusCode.OK);
        Assert.Equal(640, asset.GetProperty("width").GetInt32());
        var bytes = await alice.GetByteArrayAsync($"/assets/{output}/content");
        var provenance = ProvenanceRecord.Read(bytes);
        Assert.NotNull(provenance);
        Assert.Equal("compose", provenance!.Operation);

        var bob = server.Bob();
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/assets/{output}")).StatusCode);
    }

    [Fact]
    public async Task Compose_input_errors_are_problem_details_before_anything_runs()
    {
        var alice = server.Alice();
        var both = await (await alice.PostJson("/compose", new { personAssetId = Guid.NewGuid() })).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("exactly one", both.ToString());
        var preset = await (await alice.PostJson("/compose", new { personAssetId = Guid.NewGuid(), background = "#FFFFFF", export = "myspace" })).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("export preset", preset.ToString());
    }

    /// <summary>A 250 px face-filled close crop of a real head-and-shoulders photo (img6.jpg's face box, measured by YuNet,
    /// starts the crop's top edge and fills 95 % of its height).</summary>
    internal static byte[] CloseCrop()
    {
        var photo = ImageCodec.Decode(TestPhotos.Shared("identity/angelina_jolie/img6.jpg"));
        var crop = photo.Crop(new Rect(103, 210, 564, 564)).Resize(250, 250);
        return ImageCodec.Encode(crop, ImageFormat.Png, new EncodeOptions { FastPngCompression = true });
    }

    async Task<(JsonElement Job, string Folder)> ComposeAsync(HttpClient alice, byte[] person, bool allowCrop = false)
    {
        var folder = "composites-" + Guid.NewGuid().ToString("N");
        var personId = (await alice.UploadAsset(person, type: "HEADSHOT", name: "crop.png")).Id();
        var scene = (await alice.UploadAsset(Sample("rocket.jpg"), type: "BACKGROUND", name: "rocket.jpg")).Id();
        var started = await (await alice.PostJson("/compose", new { personAssetId = personId, sceneAssetId = scene, folder, allowCrop })).Json(HttpStatusCode.Accepted);
        return (await alice.WaitForJob(started.Id(), TimeSpan.FromMinutes(3)), folder);
    }

    [SkippableFact]
    public async Task A_close_crop_fails_the_job_with_the_reason_and_stores_nothing()
    {
        var alice = server.Alice();
        var (job, folder) = await ComposeAsync(alice, CloseCrop());
        Assert.Equal("failed", job.GetProperty("status").GetString());
        var error = job.GetProperty("error").GetString()!;
        Assert.Contains("close face crop", error);
        Assert.Contains("use a photo that shows the head and shoulders", error);
        var stored = await (await alice.GetAsync($"/assets?folder={folder}")).Json(HttpStatusCode.OK);
        Assert.Equal(0, stored.GetProperty("items").GetArrayLength());
        Assert.Equal(1, job.GetProperty("steps")[0].GetProperty("attempts").GetInt32()); // a refusal is permanent, not retried
    }

    [SkippableFact]
    public async Task Allow_crop_composes_the_close_crop_and_reports_its_framing()
    {
        var alice = server.Alice();
        var (job, folder) = await ComposeAsync(alice, CloseCrop(), allowCrop: true);
        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.ToString());
        var report = job.GetProperty("steps")[0].GetProperty("output");
        Assert.Equal("close-crop", report.GetProperty("framing").GetString());
        Assert.True(report.GetProperty("verified").GetBoolean());
        var stored = await (await alice.GetAsync($"/assets?folder={folder}")).Json(HttpStatusCode.OK);
        Assert.Equal(1, stored.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task An_unknown_matting_value_is_refused_at_submission_not_retried()
    {
        var alice = server.Alice();
        var problem = await (await alice.PostJson("/compose", new { personAssetId = Guid.NewGuid(), background = "#FFFFFF", matting = "best" })).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("matting 'best' is not known", problem.ToString());
        var width = await (await alice.PostJson("/compose", new { personAssetId = Guid.NewGuid(), background = "#FFFFFF", faceWidth = 3.0 })).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("face width 3 is outside", width.ToString());
    }
}
