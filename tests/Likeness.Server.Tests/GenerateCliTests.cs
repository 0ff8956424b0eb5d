using System.Diagnostics;
using System.Text.Json;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;
using Likeness.Providers.Tests.Fakes;
using Likeness.Server.Tests.Support;

namespace Likeness.Server.Tests;

/// <summary>`likeness generate views|cinematic` as a user runs them, against a loopback Gemini that answers with real photos.</summary>
[Collection(EngineCollection.Name)]
public sealed class GenerateCliTests : IAsyncLifetime
{
    const string Leo = "identity/leonardo_dicaprio/";
    readonly ManualClock _clock = new();
    FakeGemini _gemini = null!;
    readonly string _dir = Path.Combine(Path.GetTempPath(), "likeness-tests", "generate-cli-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        _gemini = await FakeGemini.StartAsync(_clock);
        Directory.CreateDirectory(_dir);
    }

    public async Task DisposeAsync()
    {
        await _gemini.DisposeAsync();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    async Task<(int Exit, string Out)> Likeness(bool withGemini, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "likeness.dll"));
        foreach (var a in arguments) info.ArgumentList.Add(a);
        foreach (var name in new[] { "FAL_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "REPLICATE_API_TOKEN", "HF_TOKEN" }) info.Environment.Remove(name);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Providers__", StringComparison.OrdinalIgnoreCase)).ToList()) info.Environment.Remove(key);
        if (withGemini)
        {
            info.Environment["GEMINI_API_KEY"] = FakeGemini.Key;
            info.Environment["Providers__Gemini__BaseUrl"] = _gemini.BaseUrl;
        }
        info.Environment["LIKENESS_DATA"] = Path.Combine(_dir, "data");
        info.Environment["COLUMNS"] = "400";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    string Photos(params string[] names)
    {
        var dir = Path.Combine(_dir, "photos");
        Directory.CreateDirectory(dir);
        foreach (var n in names) File.WriteAllBytes(Path.Combine(dir, n), TestPhotos.Shared(Leo + n));
        return dir;
    }

    static byte[] Mirrored(string relative) =>
        ImageCodec.Encode(ImageCodec.Decode(TestPhotos.Shared(relative), relative).FlipHorizontal(), ImageFormat.Png, new EncodeOptions { FastPngCompression = true });

    [SkippableFact]
    public async Task Generate_views_fills_the_gaps_that_pass_the_gate_and_reports_the_ones_that_do_not()
    {
        var mirror = TestPhotos.SharedModels();
        var photos = Photos("img35.jpg", "img36.jpg", "img37.jpg"); // all front-facing: four views are missing
        // profile-left: someone else twice; three-quarter-left: mirrored, then right; three-quarter-right: right; profile-right: two people, blocked.
        _gemini.Replies.Enqueue(FakeReply.Image(TestPhotos.Shared("identity/angelina_jolie/img11.jpg")));
        _gemini.Replies.Enqueue(FakeReply.Image(TestPhotos.Shared("identity/angelina_jolie/img11.jpg")));
        _gemini.Replies.Enqueue(FakeReply.Image(Mirrored(Leo + "img34.jpg")));
        _gemini.Replies.Enqueue(FakeReply.Image(TestPhotos.Shared(Leo + "img34.jpg")));
        _gemini.Replies.Enqueue(FakeReply.Image(Mirrored(Leo + "img34.jpg")));
        _gemini.Replies.Enqueue(FakeReply.Image(TestPhotos.Shared("portraits/deepface/couple.jpg")));
        _gemini.Replies.Enqueue(FakeReply.Blocked);
        var output = Path.Combine(_dir, "views");

        var (exit, text) = await Likeness(true, "generate", "views", photos, "--out", output, "--attempts", "2", "--matting", "fast", "--mirror", mirror);

        Assert.True(exit == 0, text);
        Assert.Contains("likeness gate", text);
        Assert.Contains("mirrored", text);
        Assert.Equal(7, _gemini.GenerateCalls.Count);
        foreach (var file in new[] { "front.png", "three-quarter-left.png", "three-quarter-right.png", "sheet.png", "views.json" })
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        Assert.False(File.Exists(Path.Combine(output, "profile-left.png")));
        Assert.False(File.Exists(Path.Combine(output, "profile-right.png")));
        var image = ImageCodec.Load(Path.Combine(output, "three-quarter-left.png"));
        Assert.Equal((1024, 1024), (image.Width, image.Height));

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "views.json")));
        var views = json.RootElement.GetProperty("views").EnumerateArray().ToDictionary(v => v.GetProperty("view").GetString()!);
        var left = views["three-quarter-left"];
        Assert.True(left.GetProperty("generated").GetBoolean());
        Assert.Equal("left", left.GetProperty("subjectSide").GetString());
        Assert.True(left.GetProperty("similarity").GetDouble() > 0.5);
        var attempts = left.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(2, attempts.Count);
        Assert.True(attempts[0].GetProperty("mirrored").GetBoolean());
        Assert.Contains("Not the mirror image", attempts[1].GetProperty("prompt").GetString());
        Assert.False(views["front"].GetProperty("generated").GetBoolean());
        Assert.Contains("another person", views["profile-left"].GetProperty("missing").GetString());
        Assert.Contains("blocked", views["profile-right"].GetProperty("missing").GetString());
        Assert.True(File.Exists(Path.Combine(_dir, "data", "costs.jsonl")));
        var ledger = File.ReadAllLines(Path.Combine(_dir, "data", "costs.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(7, ledger.Count); // every call, the blocked one too
        Assert.Single(ledger, e => e.GetProperty("failure").ValueKind != JsonValueKind.Null);
    }

    [SkippableFact]
    public async Task Generate_cinematic_that_fails_a_step_exits_1_and_keeps_what_passed()
    {
        var mirror = TestPhotos.SharedModels();
        var photos = Photos("img35.jpg", "img36.jpg", "img37.jpg");
        var still = ImageCodec.Decode(TestPhotos.Shared(Leo + "img37.jpg"), "img37.jpg");
        still = still.Crop(new Likeness.Imaging.Rect(250, 0, 930, still.Height)); // face about 20 % of the width, waist-up
        _gemini.Replies.Enqueue(FakeReply.Image(ImageCodec.Encode(still, ImageFormat.Png, new EncodeOptions { FastPngCompression = true })));
        _gemini.Replies.Enqueue(FakeReply.Image(TestPhotos.Shared("identity/angelina_jolie/img11.jpg")));
        _gemini.Replies.Enqueue(FakeReply.Image(TestPhotos.Shared("identity/angelina_jolie/img11.jpg")));
        var output = Path.Combine(_dir, "cinematic");

        var (exit, text) = await Likeness(true, "generate", "cinematic", photos, "--out", output, "--attempts", "2", "--mirror", mirror);

        Assert.True(exit == 1, text);
        Assert.Contains("step 2 (matched portrait): none of 2", text);
        Assert.True(File.Exists(Path.Combine(output, "still.png")));
        Assert.False(File.Exists(Path.Combine(output, "portrait.png")));
        Assert.False(File.Exists(Path.Combine(output, "final.png")));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "cinematic.json")));
        Assert.False(json.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal(3, _gemini.GenerateCalls.Count);
    }

    [SkippableFact]
    public async Task Without_a_provider_generation_exits_2_naming_the_keys_to_set()
    {
        var mirror = TestPhotos.SharedModels();
        var photos = Photos("img35.jpg");
        var (exit, text) = await Likeness(false, "generate", "views", photos, "--out", Path.Combine(_dir, "none"), "--mirror", mirror);
        Assert.Equal(2, exit);
        Assert.Contains("none is configured", text);
        Assert.Contains("GEMINI_API_KEY", text);
        Assert.Empty(_gemini.Server.Requests);
    }

    [SkippableFact]
    public async Task Compose_extends_a_close_crop_when_a_provider_is_configured_and_refuses_it_with_never()
    {
        var mirror = TestPhotos.SharedModels();
        var crop = Path.Combine(_dir, "crop.png");
        File.WriteAllBytes(crop, ComposeJobTests.CloseCrop());
        _gemini.Replies.Enqueue(FakeReply.Image(TestPhotos.Shared("identity/angelina_jolie/img6.jpg")));
        var output = Path.Combine(_dir, "out.png");
        var report = Path.Combine(_dir, "report.json");

        var (exit, text) = await Likeness(true, "compose", "--person", crop, "--scene", TestPhotos.SamplePath("rocket.jpg"), "--out", output,
            "--report", report, "--matting", "fast", "--mirror", mirror);

        Assert.True(exit == 0, text);
        Assert.True(File.Exists(output));
        using (var json = JsonDocument.Parse(File.ReadAllText(report)))
            Assert.Contains("outpainting", json.RootElement.GetProperty("extendedBy").GetString());
        Assert.Single(_gemini.GenerateCalls);

        var refusedOut = Path.Combine(_dir, "refused.png");
        var (refusedExit, refusedText) = await Likeness(true, "compose", "--person", crop, "--scene", TestPhotos.SamplePath("rocket.jpg"), "--out", refusedOut,
            "--extend-crops", "never", "--matting", "fast", "--mirror", mirror);
        Assert.Equal(2, refusedExit);
        Assert.Contains("close face crop", refusedText);
        Assert.False(File.Exists(refusedOut));
        Assert.Single(_gemini.GenerateCalls);
    }
}
