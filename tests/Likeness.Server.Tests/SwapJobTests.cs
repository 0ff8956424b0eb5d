using System.Net;
using Likeness.Compositing;
using Likeness.Server.Tests.Support;

namespace Likeness.Server.Tests;

/// <summary>The `swap` job over real HTTP with the real local engine, on real photos from ../shared.</summary>
[Collection(EngineCollection.Name)]
public sealed class SwapJobTests(ServerFixture server)
{
    [SkippableFact]
    public async Task Swap_job_puts_the_source_face_into_the_target_and_reports_the_identity_per_face()
    {
        var alice = server.Alice();
        var source = (await alice.UploadAsset(TestPhotos.Shared("identity/angelina_jolie/img1.jpg"), type: "HEADSHOT", name: "angelina.jpg")).Id();
        var target = (await alice.UploadAsset(TestPhotos.Shared("identity/jennifer_aniston/img54.jpg"), type: "HEADSHOT", name: "jennifer.jpg")).Id();
        var started = await (await alice.PostJson("/jobs", new { kind = "swap", input = new { targetAssetId = target, sourceAssetId = source, saveMasks = true } })).Json(HttpStatusCode.Accepted);
        var job = await alice.WaitForJob(started.Id(), TimeSpan.FromMinutes(3));
        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.ToString());

        var output = job.GetProperty("steps")[0].GetProperty("output");
        var face = output.GetProperty("faces")[0];
        Assert.True(face.GetProperty("takesSourceIdentity").GetBoolean(), output.ToString());
        Assert.True(face.GetProperty("similarityToSource").GetDouble() > face.GetProperty("similarityToTarget").GetDouble());
        Assert.Equal(4, output.GetProperty("facesInTarget").GetInt32());
        Assert.True(output.GetProperty("maskAssetIds").GetArrayLength() >= 3);   // coverage, box, occlusion, combined

        var bytes = await alice.GetByteArrayAsync($"/assets/{output.GetProperty("assetId").GetGuid()}/content");
        Assert.Equal("swap", ProvenanceRecord.Read(bytes)!.Operation);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Bob().GetAsync($"/assets/{output.GetProperty("assetId").GetGuid()}")).StatusCode);
    }

    [SkippableFact]
    public async Task A_video_target_comes_back_as_an_h264_video_asset_with_its_audio_and_per_frame_progress()
    {
        try { Likeness.Pipelines.Swap.Video.Ffmpeg.Find("ffmpeg"); }
        catch (Likeness.Pipelines.Swap.Video.VideoException e) { throw new SkipException(e.Message); }
        var alice = server.Alice();
        var source = (await alice.UploadAsset(TestPhotos.Shared("identity/george_clooney/img38.jpg"), type: "HEADSHOT", name: "clooney.jpg")).Id();
        var video = (await alice.UploadAsset(TestPhotos.Shared("video/obama.mp4"), type: "VIDEO", name: "obama.mp4")).Id();
        var started = await (await alice.PostJson("/jobs", new { kind = "swap", input = new { targetAssetId = video, sourceAssetId = source } })).Json(HttpStatusCode.Accepted);
        var events = await Sse.ReadAll(alice, started.Id());
        var job = await alice.WaitForJob(started.Id(), TimeSpan.FromMinutes(3));
        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.ToString());
        var progress = events.Where(e => e.Type == "progress").Select(e => e.Data.GetProperty("progress").GetDouble()).Where(p => p is > 0.1 and < 0.95).Distinct().Count();
        Assert.True(progress >= 3, $"only {progress} progress values while the frames ran");

        var output = job.GetProperty("steps")[0].GetProperty("output");
        Assert.Equal(55, output.GetProperty("frames").GetInt32());
        Assert.True(output.GetProperty("audioCopied").GetBoolean());
        var track = output.GetProperty("tracks")[0];
        Assert.True(track.GetProperty("similarityToSource").GetDouble() >= 0.411, output.ToString());
        var assetId = output.GetProperty("assetId").GetGuid();
        var asset = await (await alice.GetAsync($"/assets/{assetId}")).Json(HttpStatusCode.OK);
        Assert.Equal("video/mp4", asset.GetProperty("mediaType").GetString());
        var file = Path.Combine(Path.GetTempPath(), $"swap-{assetId}.mp4");
        await File.WriteAllBytesAsync(file, await alice.GetByteArrayAsync($"/assets/{assetId}/content"));
        try
        {
            var info = await Likeness.Pipelines.Swap.Video.Ffmpeg.ProbeAsync(file);
            Assert.Equal(("h264", 1280, 720, true), (info.Codec, info.Width, info.Height, info.HasAudio));
        }
        finally { File.Delete(file); }
    }

    [SkippableFact]
    public async Task Swap_input_errors_are_problem_details_before_anything_runs()
    {
        var alice = server.Alice();
        var target = (await alice.UploadAsset(TestPhotos.Face(901), type: "HEADSHOT", name: "t.png")).Id();
        var neither = await (await alice.PostJson("/jobs", new { kind = "swap", input = new { targetAssetId = target } })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("exactly one of `identityId`", neither.ToString());
        var badMask = await (await alice.PostJson("/jobs", new { kind = "swap", input = new { targetAssetId = target, sourceAssetId = target, masks = new[] { "lasso" } } })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("'lasso' is not a mask kind", badMask.ToString());
        var badArea = await (await alice.PostJson("/jobs", new { kind = "swap", input = new { targetAssetId = target, sourceAssetId = target, masks = new[] { "area" }, areas = new[] { "ears" } } })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("upper-face", badArea.ToString());
        var unknown = await (await alice.PostJson("/jobs", new { kind = "swap", input = new { targetAssetId = target, identityId = Guid.NewGuid() } })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("does not exist", unknown.ToString());
        // This server has no provider keys: the provider engine names the one that offers a face swap and its key.
        var noProvider = await (await alice.PostJson("/jobs", new { kind = "swap", input = new { targetAssetId = target, sourceAssetId = target, engine = "provider" } })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("needs fal.ai", noProvider.ToString());
        Assert.Contains("FAL_KEY", noProvider.ToString());
        // Someone else's asset is as unknown as a missing one.
        var bobs = (await server.Bob().UploadAsset(TestPhotos.Face(902), type: "HEADSHOT", name: "b.png")).Id();
        var foreign = await (await alice.PostJson("/jobs", new { kind = "swap", input = new { targetAssetId = bobs, sourceAssetId = target } })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("does not exist for this user", foreign.ToString());
    }

    [SkippableFact]
    public async Task A_target_without_a_face_fails_the_job_with_the_reason()
    {
        var alice = server.Alice();
        var source = (await alice.UploadAsset(TestPhotos.Face(903), type: "HEADSHOT", name: "s.png")).Id();
        var scene = (await alice.UploadAsset(TestPhotos.Sample("rocket.jpg"), type: "BACKGROUND", name: "rocket.jpg")).Id();
        var started = await (await alice.PostJson("/jobs", new { kind = "swap", input = new { targetAssetId = scene, sourceAssetId = source } })).Json(HttpStatusCode.Accepted);
        var job = await alice.WaitForJob(started.Id(), TimeSpan.FromMinutes(2));
        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Contains("No face found in the target image", job.GetProperty("error").GetString());
        Assert.Equal(1, job.GetProperty("steps")[0].GetProperty("attempts").GetInt32());   // permanent: not retried
    }
}
