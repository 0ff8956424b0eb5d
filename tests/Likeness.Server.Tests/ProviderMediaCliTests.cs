using System.Text.Json;
using Likeness.Imaging.Codecs;
using Likeness.Pipelines.Swap.Video;
using Likeness.Providers.Tests.Fakes;
using Likeness.Server.Tests.Support;

namespace Likeness.Server.Tests;

/// <summary>
/// `likeness swap --engine provider`, `likeness animate` and `likeness lipsync` as a user runs them, against a loopback
/// fal.ai that answers with real pixels: the local swapper's own result, untouched targets, real video of the person or
/// of someone else. Only what the gate accepts is written.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class ProviderMediaCliTests : IAsyncLifetime
{
    const string Angelina = "identity/angelina_jolie/img1.jpg";
    const string Jennifer = "identity/jennifer_aniston/img54.jpg";
    readonly ManualClock _clock = new();
    FakeFal _fal = null!;
    readonly string _dir = Path.Combine(Path.GetTempPath(), "likeness-tests", "media-cli-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        _fal = await FakeFal.StartAsync(_clock);
        _fal.Script = ["IN_PROGRESS", "COMPLETED"];
        Directory.CreateDirectory(_dir);
    }

    public async Task DisposeAsync()
    {
        await _fal.DisposeAsync();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    string Local(string relative)
    {
        var path = Path.Combine(_dir, Path.GetFileName(relative));
        File.WriteAllBytes(path, TestPhotos.Shared(relative));
        return path;
    }

    async Task<(int Exit, string Out, string Err)> Likeness(params string[] arguments) =>
        await CliProcess.RunAsync([.. arguments, "--mirror", TestPhotos.SharedModels()], env => CliProcess.UseFakeFal(env, _fal, Path.Combine(_dir, "data")));

    [SkippableFact]
    public async Task Swap_through_the_provider_refuses_the_untouched_target_and_writes_the_real_swap()
    {
        string source = Local(Angelina), target = Local(Jennifer);
        var localResult = Path.Combine(_dir, "local.png");
        var (localExit, localOut, localErr) = await CliProcess.RunAsync(["swap", "--source", source, "--target", target, "--out", localResult, "--mirror", TestPhotos.SharedModels()]);
        Assert.True(localExit == 0, localOut + localErr);
        _fal.ImageReplies.Enqueue(File.ReadAllBytes(target));        // the provider changed nothing
        _fal.ImageReplies.Enqueue(File.ReadAllBytes(localResult));   // a real swap of Angelina onto Jennifer
        var output = Path.Combine(_dir, "swapped.png");

        var (exit, stdout, stderr) = await Likeness("swap", "--engine", "provider", "--source", source, "--target", target, "--out", output, "--json");

        Assert.True(exit == 0, stdout + stderr);
        using var report = JsonDocument.Parse(stdout);
        Assert.Equal("provider", report.RootElement.GetProperty("engine").GetString());
        var attempts = report.RootElement.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(2, attempts.Count);
        Assert.False(attempts[0].GetProperty("passed").GetBoolean());
        Assert.Contains("not the source person", attempts[0].GetProperty("verdict").GetString());
        Assert.True(attempts[1].GetProperty("passed").GetBoolean());
        Assert.True(report.RootElement.GetProperty("faces")[0].GetProperty("takesSourceIdentity").GetBoolean());
        Assert.Equal(0.04m, report.RootElement.GetProperty("estimatedUsd").GetDecimal());
        var written = ImageCodec.Load(output);
        var original = ImageCodec.Load(target);
        Assert.Equal((original.Width, original.Height), (written.Width, written.Height));
        Assert.Equal(2, _fal.Jobs.Values.Count(j => j.Model == FakeFal.FaceSwapModel));
    }

    [SkippableFact]
    public async Task Swap_through_the_provider_writes_nothing_when_every_answer_is_someone_else()
    {
        string source = Local(Angelina), target = Local(Jennifer);
        for (int i = 0; i < 2; i++) _fal.ImageReplies.Enqueue(File.ReadAllBytes(target));
        var output = Path.Combine(_dir, "swapped.png");

        var (exit, stdout, stderr) = await Likeness("swap", "--engine", "provider", "--attempts", "2", "--source", source, "--target", target, "--out", output);

        Assert.True(exit == 1, stdout + stderr);
        Assert.Contains("swap gate", stdout);
        Assert.Contains("none of 2 generated image(s) passed the likeness gate", stderr);
        Assert.Contains("Nothing was written", stderr);
        Assert.False(File.Exists(output));
    }

    [SkippableFact]
    public async Task Animate_writes_a_playable_video_of_the_person()
    {
        var photo = Local("video/frames_obama/frame_0000.jpg");
        _fal.ImageReplies.Enqueue(TestPhotos.Shared("video/obama.mp4"));
        var output = Path.Combine(_dir, "clip.mp4");

        var (exit, stdout, stderr) = await Likeness("animate", "--image", photo, "--prompt", "he nods and smiles", "--seconds", "10", "--out", output);

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("video gate", stdout);
        Assert.Contains("passed", stdout);
        var info = await Ffmpeg.ProbeAsync(output);
        Assert.True(info.Duration > 1 && info.Width == 1280, $"{info.Width}x{info.Height}, {info.Duration} s");
        Assert.Equal("10", _fal.Jobs.Values.Single(j => j.Model == FakeFal.ImageToVideoModel).Input["duration"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Lip_sync_of_someone_else_is_refused_and_bad_inputs_are_explained_before_anything_is_paid()
    {
        var video = Local("video/obama.mp4");
        var audio = Path.Combine(_dir, "speech.m4a");
        File.WriteAllBytes(audio, TestPhotos.Shared("video/WDA_KatieHill_000.mp4"));   // an MP4 with speech: its audio track is what is sent
        var identity = Path.Combine(_dir, "obama");
        Directory.CreateDirectory(identity);
        foreach (var frame in new[] { "frame_0000.jpg", "frame_0025.jpg" })
            File.WriteAllBytes(Path.Combine(identity, frame), TestPhotos.Shared("video/frames_obama/" + frame));
        for (int i = 0; i < 2; i++) _fal.ImageReplies.Enqueue(TestPhotos.Shared("video/WDA_KatieHill_000.mp4"));
        var output = Path.Combine(_dir, "synced.mp4");

        var (exit, stdout, stderr) = await Likeness("lipsync", "--video", video, "--audio", audio, "--identity", identity, "--out", output);

        Assert.True(exit == 1, stdout + stderr);
        Assert.Contains("shows someone else", stdout + stderr);
        Assert.False(File.Exists(output));
        Assert.Equal(2, _fal.Jobs.Values.Count(j => j.Model == FakeFal.LipSyncModel));

        var calls = _fal.Jobs.Count;
        var (badExit, badOut, badErr) = await Likeness("lipsync", "--video", video, "--audio", Local(Angelina), "--identity", identity, "--out", output);
        Assert.Equal(2, badExit);
        Assert.Contains("not taken as audio", badOut + badErr);
        var (noAudioExit, noAudioOut, noAudioErr) = await Likeness("lipsync", "--video", video, "--audio", Move(Local("video/frames_obama/frame_0050.jpg"), Path.Combine(_dir, "silence.wav")),
            "--identity", identity, "--out", output);
        Assert.Equal(2, noAudioExit);
        Assert.Matches("has no audio stream|cannot be read as audio", noAudioOut + noAudioErr);
        Assert.Equal(calls, _fal.Jobs.Count);
    }

    [SkippableFact]
    public async Task Without_a_key_the_provider_commands_say_which_to_set_and_a_video_target_is_left_to_the_local_engine()
    {
        var photo = Local(Angelina);
        var (exit, stdout, stderr) = await CliProcess.RunAsync(["animate", "--image", photo, "--prompt", "smile", "--out", Path.Combine(_dir, "a.mp4"), "--mirror", TestPhotos.SharedModels()]);
        Assert.Equal(2, exit);
        Assert.Contains("FAL_KEY", stdout + stderr);

        var (swapExit, swapOut, swapErr) = await Likeness("swap", "--engine", "provider", "--source", photo, "--target", Local("video/obama.mp4"), "--out", Path.Combine(_dir, "v.mp4"));
        Assert.Equal(2, swapExit);
        Assert.Contains("--engine provider swaps faces in images", swapOut + swapErr);
        Assert.Empty(_fal.Jobs);
    }

    static string Move(string from, string to)
    {
        File.Move(from, to, overwrite: true);
        return to;
    }
}
