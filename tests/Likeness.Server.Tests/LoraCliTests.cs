using System.Diagnostics;
using System.Text.Json;
using Likeness.Pipelines.Lora;
using Likeness.Providers.Tests.Fakes;
using Likeness.Server.Tests.Support;

namespace Likeness.Server.Tests;

/// <summary>`likeness lora train|panel` as a user runs them, against a loopback fal.ai.</summary>
[Collection(EngineCollection.Name)]
public sealed class LoraCliTests : IAsyncLifetime
{
    const string Leo = "identity/leonardo_dicaprio/";
    readonly ManualClock _clock = new();
    FakeFal _fal = null!;
    readonly string _dir = Path.Combine(Path.GetTempPath(), "likeness-tests", "lora-cli-" + Guid.NewGuid().ToString("N"));

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

    async Task<(int Exit, string Out)> Likeness(params string[] arguments)
    {
        var (exit, stdout, stderr) = await CliProcess.RunAsync(arguments, env => CliProcess.UseFakeFal(env, _fal, Path.Combine(_dir, "data")));
        return (exit, stdout + stderr);
    }

    [SkippableFact]
    public async Task Train_shows_the_estimate_trains_with_yes_and_the_panel_judges_the_version()
    {
        var mirror = TestPhotos.SharedModels();
        var identity = Path.Combine(_dir, "leo");
        Directory.CreateDirectory(identity);
        foreach (var n in new[] { "img35.jpg", "img36.jpg", "img37.jpg" }) File.WriteAllBytes(Path.Combine(identity, n), TestPhotos.Shared(Leo + n));

        var (estimateExit, estimate) = await Likeness("lora", "train", identity, "--trigger", "leoxx", "--mirror", mirror);
        Assert.True(estimateExit == 0, estimate);
        Assert.Contains("about $2.00", estimate);
        Assert.Contains("add --yes", estimate);
        Assert.Empty(_fal.Jobs);

        var (exit, text) = await Likeness("lora", "train", identity, "--trigger", "leoxx", "--yes", "--mirror", mirror);
        Assert.True(exit == 0, text);
        Assert.Contains("ready", text);
        var weights = File.ReadAllBytes(Path.Combine(identity, "lora", "v1.safetensors"));
        Assert.Null(SafetensorsFile.Problem(weights, out _));

        foreach (var photo in new[] { Leo + "img35.jpg", Leo + "img37.jpg", Leo + "img35.jpg", Leo + "img36.jpg", "identity/angelina_jolie/img11.jpg" })
            _fal.ImageReplies.Enqueue(TestPhotos.Shared(photo));
        var (panelExit, panelText) = await Likeness("lora", "panel", identity, "--mirror", mirror);
        Assert.True(panelExit == 1, panelText); // two tests fail: exit 1
        using var panel = JsonDocument.Parse(File.ReadAllText(Path.Combine(identity, "lora", "panel-v1", "panel.json")));
        Assert.Equal(3, panel.RootElement.GetProperty("passed").GetInt32());
        Assert.True(File.Exists(Path.Combine(identity, "lora", "panel-v1", "portrait.png")));
        Assert.False(File.Exists(Path.Combine(identity, "lora", "panel-v1", "expression.png")));
        Assert.Contains("3 of 5 tests passed", panelText);

        _fal.Files.Put("lora.safetensors", TestFiles.Png(8, 8), "application/octet-stream");
        var (failedExit, failedText) = await Likeness("lora", "train", identity, "--trigger", "leoxx", "--yes", "--mirror", mirror);
        Assert.Equal(1, failedExit);
        Assert.Contains("v1 stays the current LoRA", failedText);
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(identity, "lora", "lora.json")));
        Assert.Equal(["ready", "failed"], index.RootElement.EnumerateArray().Select(v => v.GetProperty("status").GetString()));
    }
}
