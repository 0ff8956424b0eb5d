using System.Net;
using System.Text.Json;
using Likeness.Imaging.Codecs;
using Likeness.Pipelines.Swap.Video;
using Likeness.Server.Tests.Support;

namespace Likeness.Server.Tests;

/// <summary>
/// The `swap` job with `engine: provider` and the `video` job over real HTTP, the loopback fal.ai answering with real
/// pixels (the local swap job's own result, the untouched target, real video of the person or of someone else).
/// </summary>
public sealed class ProviderMediaJobTests : IClassFixture<ProviderServerFixture>
{
    const string Angelina = "identity/angelina_jolie/img1.jpg";
    const string Jennifer = "identity/jennifer_aniston/img54.jpg";
    readonly ProviderServerFixture server;

    public ProviderMediaJobTests(ProviderServerFixture server)
    {
        this.server = server;
        server.Fal.Script = ["COMPLETED"];
        server.Fal.ResultOverride = null;
        server.Fal.ImageReplies.Clear();
        server.Fal.ReplyChooser = null;
    }

    async Task<Guid> ObamaAsync(HttpClient client)
    {
        var identity = await client.CreateIdentity("Barack");
        foreach (var frame in new[] { "frame_0000.jpg", "frame_0025.jpg", "frame_0050.jpg" })
            await (await client.PostAsync($"/identities/{identity}/photos", Http.Photos((frame, TestPhotos.Shared("video/frames_obama/" + frame))))).Json(HttpStatusCode.Created);
        return identity;
    }

    [SkippableFact]
    public async Task A_provider_swap_job_refuses_the_untouched_target_and_keeps_the_real_swap()
    {
        var alice = server.Alice();
        var source = (await alice.UploadAsset(TestPhotos.Shared(Angelina), name: "angelina.jpg")).Id();
        var target = (await alice.UploadAsset(TestPhotos.Shared(Jennifer), type: "SCENE_IMAGE", name: "jennifer.jpg")).Id();
        var local = await alice.WaitForJob((await (await alice.PostJson("/jobs", new { kind = "swap", input = new { targetAssetId = target, sourceAssetId = source } })).Json(HttpStatusCode.Accepted)).Id(), TimeSpan.FromMinutes(3));
        Assert.True(local.GetProperty("status").GetString() == "succeeded", local.ToString());
        var localSwap = await alice.GetByteArrayAsync($"/assets/{local.GetProperty("steps")[0].GetProperty("output").GetProperty("assetId").GetGuid()}/content");
        server.Fal.ImageReplies.Enqueue(TestPhotos.Shared(Jennifer));
        server.Fal.ImageReplies.Enqueue(localSwap);

        var started = await (await alice.PostJson("/jobs", new { kind = "swap", input = new { targetAssetId = target, sourceAssetId = source, engine = "provider" } })).Json(HttpStatusCode.Accepted);
        var job = await alice.WaitForJob(started.Id(), TimeSpan.FromMinutes(3));

        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.ToString());
        var output = job.GetProperty("steps")[0].GetProperty("output");
        Assert.Equal("provider", output.GetProperty("engine").GetString());
        var attempts = output.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Contains("not the source person", attempts[0].GetProperty("verdict").GetString());
        Assert.True(output.GetProperty("faces")[0].GetProperty("takesSourceIdentity").GetBoolean());
        Assert.Equal(0.04m, job.GetProperty("steps")[0].GetProperty("costUsd").GetDecimal());
        var image = ImageCodec.Decode(await alice.GetByteArrayAsync($"/assets/{output.GetProperty("assetId").GetGuid()}/content"), "swap");
        var original = ImageCodec.Decode(TestPhotos.Shared(Jennifer), "target");
        Assert.Equal((original.Width, original.Height), (image.Width, image.Height));
    }

    [SkippableFact]
    public async Task A_provider_swap_of_a_video_is_refused_at_submit()
    {
        var alice = server.Alice();
        var source = (await alice.UploadAsset(TestPhotos.Shared(Angelina), name: "angelina.jpg")).Id();
        var video = (await alice.UploadAsset(TestPhotos.Shared("video/obama.mp4"), type: "VIDEO", name: "obama.mp4")).Id();
        var refused = await (await alice.PostJson("/jobs", new { kind = "swap", input = new { targetAssetId = video, sourceAssetId = source, engine = "provider" } })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("swaps faces in images", refused.ToString());
        var unknown = await (await alice.PostJson("/jobs", new { kind = "swap", input = new { targetAssetId = video, sourceAssetId = source, engine = "cloud" } })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("`engine` 'cloud' is not known", unknown.ToString());
    }

    [SkippableFact]
    public async Task An_image_to_video_job_keeps_a_video_of_the_person_as_a_video_asset()
    {
        var alice = server.Alice();
        var obama = await ObamaAsync(alice);
        var first = (await alice.UploadAsset(TestPhotos.Shared("video/frames_obama/frame_0010.jpg"), type: "SCENE_IMAGE", name: "first.jpg")).Id();
        server.Fal.ImageReplies.Enqueue(TestPhotos.Shared("video/obama.mp4"));

        var started = await (await alice.PostJson("/jobs", new { kind = "video", input = new { operation = "image-to-video", identityId = obama, imageAssetId = first, prompt = "he nods", seconds = 5 } })).Json(HttpStatusCode.Accepted);
        var job = await alice.WaitForJob(started.Id(), TimeSpan.FromMinutes(3));

        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.ToString());
        var output = job.GetProperty("steps")[0].GetProperty("output");
        Assert.True(output.GetProperty("attempts")[0].GetProperty("verdict").GetProperty("passed").GetBoolean(), output.ToString());
        Assert.Equal(0.225m, job.GetProperty("steps")[0].GetProperty("costUsd").GetDecimal());
        var asset = await (await alice.GetAsync($"/assets/{output.GetProperty("assetId").GetGuid()}")).Json(HttpStatusCode.OK);
        Assert.Equal("VIDEO", asset.GetProperty("type").GetString());
        var file = Path.Combine(Path.GetTempPath(), $"likeness-video-{Guid.NewGuid():N}.mp4");
        try
        {
            await File.WriteAllBytesAsync(file, await alice.GetByteArrayAsync($"/assets/{output.GetProperty("assetId").GetGuid()}/content"));
            var info = await Ffmpeg.ProbeAsync(file);
            Assert.True(info.Duration > 1 && info.HasAudio, $"{info.Duration} s, audio {info.HasAudio}");
        }
        finally { File.Delete(file); }
    }

    [SkippableFact]
    public async Task A_lip_sync_job_of_someone_else_fails_with_the_reason_and_keeps_nothing()
    {
        var alice = server.Alice();
        var obama = await ObamaAsync(alice);
        var video = (await alice.UploadAsset(TestPhotos.Shared("video/obama.mp4"), type: "VIDEO", name: "obama.mp4")).Id();
        var wav = Path.Combine(Path.GetTempPath(), $"likeness-speech-{Guid.NewGuid():N}.wav");
        await FfmpegAsync("-v", "error", "-y", "-i", TestPhotos.SharedPath("video/WDA_KatieHill_000.mp4"), "-vn", "-t", "2", "-ac", "1", "-ar", "16000", wav);
        var audio = (await alice.UploadAsset(await File.ReadAllBytesAsync(wav), type: "VOICE_SAMPLE", name: "speech.wav")).Id();
        File.Delete(wav);
        var assetsBefore = (await (await alice.GetAsync("/assets?type=VIDEO&pageSize=100")).Json(HttpStatusCode.OK)).GetProperty("total").GetInt32();
        server.Fal.ImageReplies.Enqueue(TestPhotos.Shared("video/WDA_KatieHill_000.mp4"));

        var wrongKind = await (await alice.PostJson("/jobs", new { kind = "video", input = new { operation = "lip-sync", identityId = obama, videoAssetId = audio, audioAssetId = video } })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("must be video", wrongKind.ToString());
        var started = await (await alice.PostJson("/jobs", new { kind = "video", input = new { operation = "lip-sync", identityId = obama, videoAssetId = video, audioAssetId = audio, attempts = 1 } })).Json(HttpStatusCode.Accepted);
        var job = await alice.WaitForJob(started.Id(), TimeSpan.FromMinutes(3));

        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Contains("shows someone else", job.GetProperty("error").GetString());
        var submitted = server.Fal.Jobs.Values.Last(j => j.Model == "fal-ai/sync-lipsync");
        Assert.Equal("cut_off", submitted.Input["sync_mode"]!.GetValue<string>());
        Assert.Equal(assetsBefore, (await (await alice.GetAsync("/assets?type=VIDEO&pageSize=100")).Json(HttpStatusCode.OK)).GetProperty("total").GetInt32());
    }

    static async Task FfmpegAsync(params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Ffmpeg.Find("ffmpeg"), args) { RedirectStandardError = true })!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "ffmpeg: " + errors);
    }
}
