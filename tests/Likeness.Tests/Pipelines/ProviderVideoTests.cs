using System.Diagnostics;
using System.Text.Json.Nodes;
using Likeness.Pipelines.Generation;
using Likeness.Pipelines.Swap.Video;
using Likeness.Providers;
using Likeness.Providers.Tests.Fakes;
using Likeness.Tests.Support;
using Xunit.Abstractions;

namespace Likeness.Tests.Pipelines;

/// <summary>
/// Image-to-video and lip-sync over real HTTP: a loopback fal.ai speaks the kling-video and sync-lipsync protocols and
/// answers with real video from ../shared/testdata/video the test picks — the same person, someone else, a clip that
/// turns into someone else, an image instead of a video — and the video gate decides on the decoded frames.
/// </summary>
public sealed class ProviderVideoTests(ITestOutputHelper output) : IAsyncLifetime
{
    const string Obama = "video/obama.mp4";
    const string KatieHill = "video/WDA_KatieHill_000.mp4";
    const string Ocasio = "video/WDA_AlexandriaOcasioCortez_000.mp4";
    static readonly string[] ObamaPhotos = ["video/frames_obama/frame_0000.jpg", "video/frames_obama/frame_0025.jpg", "video/frames_obama/frame_0050.jpg"];
    readonly Harness _harness = new();
    FakeFal _fal = null!;

    public async Task InitializeAsync()
    {
        _fal = await FakeFal.StartAsync(_harness.Clock);
        _harness.AddFal(_fal);
    }

    public async Task DisposeAsync()
    {
        await _fal.DisposeAsync();
        _harness.Dispose();
    }

    static byte[] Video(string relative) => File.ReadAllBytes(TestPaths.TestDataFile(relative));

    GatedVideoGenerator Generator(Likeness.Pipelines.VisionEngine engine, int attempts = 2) =>
        new(_harness.Service(), _harness.Store, new VideoLikenessGate(engine), attempts);

    static GenerationRequest Animate(double seconds = 5) => new()
    {
        Operation = GenerationOperation.ImageToVideo, Prompt = "He turns toward the camera and smiles.",
        Image = MediaInput.FromBytes(File.ReadAllBytes(TestPaths.TestDataFile(ObamaPhotos[0])), "image/jpeg"), DurationSeconds = seconds,
    };

    byte[] Uploaded(string url) => _fal.Uploads[url[(url.LastIndexOf('/') + 1)..]];

    void Log(IEnumerable<VideoAttempt> attempts)
    {
        foreach (var a in attempts)
            output.WriteLine($"#{a.Number} {a.Provider}:{a.Model} ${a.EstimatedUsd}: {a.Verdict.Summary} (sampled {a.Verdict.FramesSampled}, faces {a.Verdict.FramesWithFace}, alike {a.Verdict.FramesAlike}, median {a.Verdict.MedianSimilarity})");
    }

    [SkippableFact]
    public async Task An_animation_of_the_same_person_passes_and_the_request_has_kling_fields()
    {
        var engine = Engine.Require();
        var obama = await GatePhotos.TemplateAsync(engine, ObamaPhotos);
        _fal.ImageReplies.Enqueue(Video(Obama));

        var outcome = await Generator(engine).RunAsync("animation", Animate(), obama, _harness.Context());
        Log(outcome.Attempts);

        Assert.True(outcome.Winner.Verdict.Passed);
        Assert.Equal("video/mp4", outcome.Video.ContentType);
        Assert.True(outcome.Winner.Verdict.FramesSampled >= 5, $"{outcome.Winner.Verdict.FramesSampled} frames sampled");
        Assert.True(outcome.Winner.Verdict.FramesAlike >= outcome.Winner.Verdict.FramesWithFace * 0.8);
        Assert.True(outcome.Winner.Verdict.HasAudio);
        var submit = JsonNode.Parse(_fal.Server.Requests.First(r => r.Method == "POST" && r.Path == "/" + FakeFal.ImageToVideoModel).Body)!;
        Assert.Equal("He turns toward the camera and smiles.", (string)submit["prompt"]!);
        Assert.Equal("5", (string)submit["duration"]!);
        Assert.Equal(File.ReadAllBytes(TestPaths.TestDataFile(ObamaPhotos[0])), Uploaded((string)submit["image_url"]!));
        // Queue URLs live under the app id (owner/name), not the model's subpath.
        Assert.Contains(_fal.Server.Requests, r => r.Path == "/fal-ai/kling-video/requests/req-0002/status" || r.Path.StartsWith("/fal-ai/kling-video/requests/", StringComparison.Ordinal));
        var ledger = Assert.Single(await _harness.Ledger.ListAsync("alice", DateTimeOffset.MinValue, default));
        Assert.Equal(0.225m, ledger.EstimatedUsd);   // 5 s of video at $0.045 per second
        Assert.Equal(5, ledger.Units);
    }

    [SkippableFact]
    public async Task Videos_of_someone_else_are_paid_for_but_never_delivered()
    {
        var engine = Engine.Require();
        var obama = await GatePhotos.TemplateAsync(engine, ObamaPhotos);
        _fal.ImageReplies.Enqueue(Video(KatieHill));
        _fal.ImageReplies.Enqueue(Video(Ocasio));

        var failed = await Assert.ThrowsAsync<VideoGenerationFailedException>(() => Generator(engine).RunAsync("animation", Animate(10), obama, _harness.Context()));
        Log(failed.Attempts);

        Assert.Equal(2, failed.Attempts.Count);
        Assert.All(failed.Attempts, a => Assert.Contains("shows someone else", a.Verdict.Summary));
        Assert.Equal("10", (string)JsonNode.Parse(_fal.Server.Requests.First(r => r.Method == "POST" && r.Path == "/" + FakeFal.ImageToVideoModel).Body)!["duration"]!);
        var ledger = await _harness.Ledger.ListAsync("alice", DateTimeOffset.MinValue, default);
        Assert.Equal([0.45m, 0.45m], ledger.Select(e => e.EstimatedUsd));
    }

    [SkippableFact]
    public async Task A_clip_that_turns_into_someone_else_fails_with_the_second_it_drifts()
    {
        var engine = Engine.Require();
        var obama = await GatePhotos.TemplateAsync(engine, ObamaPhotos);
        var drifting = Path.Combine(_harness.Dir, "drift.mp4");
        // 4 s of Obama (his 2.2 s clip played twice) then 1.5 s of Katie Hill, both at 512x512: a morph as real pixels.
        await FfmpegAsync("-v", "error", "-y", "-stream_loop", "1", "-i", TestPaths.TestDataFile(Obama), "-i", TestPaths.TestDataFile(KatieHill), "-filter_complex",
            "[0:v]scale=512:512,setsar=1,fps=25,trim=0:4,setpts=PTS-STARTPTS[a];[1:v]scale=512:512,setsar=1,fps=25,trim=0:1.5,setpts=PTS-STARTPTS[b];[a][b]concat=n=2:v=1:a=0[v]",
            "-map", "[v]", "-c:v", "libx264", "-pix_fmt", "yuv420p", drifting);
        var info = await Ffmpeg.ProbeAsync(drifting);
        _fal.ImageReplies.Enqueue(File.ReadAllBytes(drifting));

        var failed = await Assert.ThrowsAsync<VideoGenerationFailedException>(() => Generator(engine, attempts: 1).RunAsync("animation", Animate(), obama, _harness.Context()));
        Log(failed.Attempts);

        var verdict = Assert.Single(failed.Attempts).Verdict;
        Assert.Contains("drifts into someone else", verdict.Summary);
        const double obamaSeconds = 4;
        Assert.InRange(verdict.DriftAtSecond!.Value, obamaSeconds - 0.5, obamaSeconds + 0.5);
        output.WriteLine($"drift video {info.Duration:0.0} s, Obama for {obamaSeconds:0.0} s, drift found at {verdict.DriftAtSecond} s");
    }

    [SkippableFact]
    public async Task Lip_sync_uploads_video_and_audio_and_refuses_an_image_answer()
    {
        var engine = Engine.Require();
        var obama = await GatePhotos.TemplateAsync(engine, ObamaPhotos);
        var audio = Path.Combine(_harness.Dir, "speech.wav");
        await FfmpegAsync("-v", "error", "-y", "-i", TestPaths.TestDataFile(KatieHill), "-vn", "-t", "3", "-ac", "1", "-ar", "16000", audio);
        var request = new GenerationRequest
        {
            Operation = GenerationOperation.LipSync, DurationSeconds = 3,
            Video = MediaInput.FromBytes(Video(Obama), "video/mp4"), Audio = MediaInput.FromBytes(File.ReadAllBytes(audio), "audio/wav"),
        };
        _fal.ImageReplies.Enqueue(File.ReadAllBytes(TestPaths.TestDataFile(ObamaPhotos[1])));   // an image where a video belongs
        _fal.ImageReplies.Enqueue(Video(Obama));

        var generator = Generator(engine, attempts: 1);
        var refused = await Assert.ThrowsAsync<ProviderException>(() => generator.RunAsync("lip-sync", request, obama, _harness.Context()));
        output.WriteLine(refused.Message);
        Assert.Equal(FailureKind.OutputUnavailable, refused.Kind);
        Assert.Contains("neither MP4/MOV nor WebM", refused.Message);

        var outcome = await generator.RunAsync("lip-sync", request, obama, _harness.Context());
        Log(outcome.Attempts);
        Assert.True(outcome.Winner.Verdict.Passed);
        var submit = JsonNode.Parse(_fal.Server.Requests.Last(r => r.Method == "POST" && r.Path == "/" + FakeFal.LipSyncModel).Body)!;
        Assert.Equal("cut_off", (string)submit["sync_mode"]!);
        Assert.Equal(Video(Obama), Uploaded((string)submit["video_url"]!));
        Assert.Equal(File.ReadAllBytes(audio), Uploaded((string)submit["audio_url"]!));
        var ledger = await _harness.Ledger.ListAsync("alice", DateTimeOffset.MinValue, default);
        Assert.Equal(0.035m, ledger[^1].EstimatedUsd);   // 3 s at $0.70 a minute
    }

    [Fact]
    public void Video_operations_say_what_they_miss()
    {
        Assert.Contains("first-frame image and a prompt", GenerationRequestValidator.Problem(new GenerationRequest { Operation = GenerationOperation.ImageToVideo, Prompt = "x" }));
        Assert.Contains("a video and an audio file", GenerationRequestValidator.Problem(new GenerationRequest { Operation = GenerationOperation.LipSync, Video = MediaInput.FromUrl("https://x/v.mp4") }));
        Assert.Contains("photo of the face", GenerationRequestValidator.Problem(new GenerationRequest { Operation = GenerationOperation.FaceSwap, Image = MediaInput.FromUrl("https://x/t.png") }));
        Assert.Contains("at most 600 seconds", GenerationRequestValidator.Problem(Animate(900) with { Image = MediaInput.FromUrl("https://x/i.png") }));
    }

    static async Task FfmpegAsync(params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(Ffmpeg.Find("ffmpeg"), args) { RedirectStandardError = true })!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "ffmpeg: " + errors);
    }
}
