using System.Diagnostics;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;
using Likeness.Server.Tests.Support;

namespace Likeness.Server.Tests;

/// <summary>`likeness compose` over a folder of mixed real photos: the batch goes on past refusals and the exit code says some failed.</summary>
[Collection(EngineCollection.Name)]
public sealed class ComposeCliTests
{
    static async Task<(int Exit, string Out)> Likeness(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "likeness.dll"));
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.Environment["COLUMNS"] = "400"; // one line per message
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "likeness-tests", "compose-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    [SkippableFact]
    public async Task Engine_warnings_reach_stderr()
    {
        var mirror = TestPhotos.SharedModels(); // skips with a message without ../shared/models
        var cache = TempDir();
        try
        {
            Directory.CreateDirectory(Path.Combine(cache, "face_detection"));
            File.WriteAllBytes(Path.Combine(cache, "face_detection", "yunet_n_dynamic.onnx"), new byte[322906]);
            var (exit, output) = await Likeness("analyze", TestPhotos.SamplePath("astronaut.png"), "--cache", cache, "--mirror", mirror);
            Assert.Equal(0, exit);
            Assert.Contains("warning: Deleted corrupt cached model", output);
        }
        finally { Directory.Delete(cache, true); }
    }

    [SkippableFact]
    public async Task A_mixed_batch_writes_the_good_photos_refuses_the_rest_with_reasons_and_exits_1()
    {
        var people = TempDir();
        var output = TempDir();
        try
        {
            File.WriteAllBytes(Path.Combine(people, "half-body.jpg"), TestPhotos.Shared("identity/leonardo_dicaprio/img37.jpg"));
            File.WriteAllBytes(Path.Combine(people, "bust.jpg"), TestPhotos.Shared("identity/angelina_jolie/img6.jpg"));
            // A 150 px face-filled close crop (img6.jpg's YuNet face box at the top edge, filling 95 % of the height).
            var crop = ImageCodec.Decode(TestPhotos.Shared("identity/angelina_jolie/img6.jpg")).Crop(new Rect(103, 210, 564, 564)).Resize(150, 150);
            ImageCodec.Save(crop, Path.Combine(people, "crop150.png"));
            File.WriteAllBytes(Path.Combine(people, "no-face.jpg"), TestPhotos.Sample("rocket.jpg"));

            var (exit, text) = await Likeness("compose", "--person", people, "--scene", Path.Combine(TestPhotos.RepoRoot, "samples", "rocket.jpg"),
                "--matting", "fast", "--out", output, "--report", output);
            Assert.True(exit == 1, text);
            Assert.Contains("crop150.png: a close face crop", text);
            Assert.Contains("no-face.jpg: no face found", text);
            Assert.Contains("2 of 4 written", text);
            var written = Directory.GetFiles(output, "*.png").Select(Path.GetFileName).Order().ToList();
            Assert.Equal(["bust-composite.png", "half-body-composite.png"], written);
            Assert.Contains("\"framing\": \"head-and-shoulders\"", File.ReadAllText(Path.Combine(output, "bust-report.json")));
            Assert.Contains("\"framing\": \"half-body\"", File.ReadAllText(Path.Combine(output, "half-body-report.json")));
        }
        finally
        {
            Directory.Delete(people, true);
            Directory.Delete(output, true);
        }
    }

    [Fact]
    public async Task An_unknown_matting_value_is_an_error_before_anything_runs()
    {
        var output = TempDir();
        try
        {
            var (exit, text) = await Likeness("compose", "--person", Path.Combine(TestPhotos.RepoRoot, "samples", "astronaut.png"),
                "--background", "#FFFFFF", "--matting", "best", "--out", output);
            Assert.Equal(2, exit);
            Assert.Contains("matting 'best' is not known", text);
            Assert.DoesNotContain("ArgumentException", text);
            Assert.Empty(Directory.GetFiles(output));
        }
        finally { Directory.Delete(output, true); }
    }
}
