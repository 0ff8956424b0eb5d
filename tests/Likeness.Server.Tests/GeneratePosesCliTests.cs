using System.Diagnostics;
using System.Text.Json;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;
using Likeness.Providers.Tests.Fakes;
using Likeness.Server.Tests.Support;

namespace Likeness.Server.Tests;

/// <summary>`likeness generate poses` as a user runs it, against a loopback fal.ai that answers with real photos.</summary>
[Collection(EngineCollection.Name)]
public sealed class GeneratePosesCliTests : IAsyncLifetime
{
    const string Dancer = "fullbody/tf_pose/apink1.jpg";
    readonly ManualClock _clock = new();
    FakeFal _fal = null!;
    readonly string _dir = Path.Combine(Path.GetTempPath(), "likeness-tests", "poses-cli-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        _fal = await FakeFal.StartAsync(_clock);
        _fal.Script = ["COMPLETED"];
        Directory.CreateDirectory(_dir);
    }

    public async Task DisposeAsync()
    {
        await _fal.DisposeAsync();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    async Task<(int Exit, string Out)> Likeness(params string[] arguments)
    {
        var (exit, stdout, stderr) = await CliProcess.RunAsync(arguments, env => CliProcess.UseFakeFal(env, _fal, Path.Combine(_dir, "data")));
        return (exit, stdout + stderr);
    }

    [SkippableFact]
    public async Task A_pose_and_its_mirror_image_pass_with_the_photo_and_the_flipped_photo_and_land_in_the_folder()
    {
        var mirror = TestPhotos.SharedModels();
        var reference = Path.Combine(_dir, "dancer.jpg");
        File.WriteAllBytes(reference, TestPhotos.Shared(Dancer));
        var flipped = ImageCodec.Encode(ImageCodec.Decode(TestPhotos.Shared(Dancer), "dancer").FlipHorizontal(), ImageFormat.Png);
        _fal.ImageReplies.Enqueue(TestPhotos.Shared(Dancer));   // stage-arm-raised
        _fal.ImageReplies.Enqueue(flipped);                     // stage-arm-raised-mirrored: the flipped photo is exactly that pose
        var output = Path.Combine(_dir, "avatars");

        var (exit, text) = await Likeness("generate", "poses", reference, "--pose", "stage-arm-raised", "--pose", "stage-arm-raised-mirrored",
            "--prompt", "on a festival stage", "--lora", "https://example.invalid/dancer.safetensors", "--trigger", "ohwx", "--long-side", "768",
            "--out", output, "--mirror", mirror);

        Assert.True(exit == 0, text);
        Assert.True(File.Exists(Path.Combine(output, "stage-arm-raised.png")));
        Assert.True(File.Exists(Path.Combine(output, "stage-arm-raised-mirrored.png")));
        Assert.True(ImageCodec.Load(Path.Combine(output, "sheet.png")).Width >= 512);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "poses.json")));
        Assert.Equal(2, report.RootElement.GetProperty("passed").GetInt32());
        Assert.All(report.RootElement.GetProperty("poses").EnumerateArray(), p => Assert.True(p.GetProperty("poseSimilarity").GetDouble() >= 0.75, p.ToString()));
        Assert.Equal(2, _fal.Jobs.Values.Count(j => j.Model == "fal-ai/flux-general"));
    }

    [SkippableFact]
    public async Task Without_a_lora_or_with_an_unknown_pose_it_exits_2_and_says_what_to_do()
    {
        var reference = Path.Combine(_dir, "dancer.jpg");
        File.WriteAllBytes(reference, TestPhotos.Shared(Dancer));
        var (exit, text) = await Likeness("generate", "poses", reference, "--pose", "golf-swing", "--prompt", "p", "--out", Path.Combine(_dir, "x"));
        Assert.Equal(2, exit);
        Assert.Contains("--lora", text);
        (exit, text) = await Likeness("generate", "poses", reference, "--pose", "moonwalk", "--prompt", "p", "--lora", "https://x.invalid/l", "--out", Path.Combine(_dir, "x"));
        Assert.Equal(2, exit);
        Assert.Contains("likeness pose list", text);
        Assert.Empty(_fal.Jobs);
    }
}
