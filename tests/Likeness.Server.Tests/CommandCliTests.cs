using System.Diagnostics;
using System.Text.Json;
using Likeness.Imaging.Codecs;
using Likeness.Server.Tests.Support;

namespace Likeness.Server.Tests;

/// <summary>`likeness views|check|analyze|doctor` as a user runs them: files written, exit codes 0/1/2, messages.</summary>
[Collection(EngineCollection.Name)]
public sealed class CommandCliTests : IDisposable
{
    const string Leo = "identity/leonardo_dicaprio/";
    readonly string _dir = Path.Combine(Path.GetTempPath(), "likeness-tests", "commands-cli-" + Guid.NewGuid().ToString("N"));

    public CommandCliTests() => Directory.CreateDirectory(_dir);
    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    static Task<(int Exit, string Out, string Err)> Likeness(params string[] arguments) => CliProcess.RunAsync(arguments);

    string Folder(string name, params (string Name, byte[] Bytes)[] files)
    {
        var dir = Path.Combine(_dir, name);
        Directory.CreateDirectory(dir);
        foreach (var (n, b) in files) File.WriteAllBytes(Path.Combine(dir, n), b);
        return dir;
    }

    [SkippableFact]
    public async Task Views_writes_the_views_it_can_make_and_names_the_photos_to_add_for_the_rest()
    {
        var mirror = TestPhotos.SharedModels();
        var photos = Folder("leo", ("img35.jpg", TestPhotos.Shared(Leo + "img35.jpg")), ("img36.jpg", TestPhotos.Shared(Leo + "img36.jpg")), ("img37.jpg", TestPhotos.Shared(Leo + "img37.jpg")));
        var output = Path.Combine(_dir, "views");

        var (exit, text, _) = await Likeness("views", photos, "--out", output, "--matting", "fast", "--mirror", mirror);

        Assert.True(exit == 0, text);
        var front = ImageCodec.Load(Path.Combine(output, "front.png"));
        Assert.Equal((1024, 1024), (front.Width, front.Height));
        Assert.True(File.Exists(Path.Combine(output, "sheet.png")));
        Assert.False(File.Exists(Path.Combine(output, "profile-left.png")));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "views.json")));
        var views = json.RootElement.GetProperty("views").EnumerateArray().ToDictionary(v => v.GetProperty("view").GetString()!);
        Assert.StartsWith("img3", views["front"].GetProperty("sourcePhoto").GetString());
        Assert.Contains("nose", views["profile-left"].GetProperty("missing").GetString());
        Assert.Contains("missing", text);
    }

    [SkippableFact]
    public async Task Views_without_a_usable_photo_exits_1_and_writes_no_view_and_a_bad_option_exits_2()
    {
        var mirror = TestPhotos.SharedModels();
        var photos = Folder("nobody", ("scene.jpg", TestPhotos.Sample("rocket.jpg")));
        var output = Path.Combine(_dir, "none");

        var (exit, text, _) = await Likeness("views", photos, "--out", output, "--mirror", mirror);
        Assert.True(exit == 1, text);
        Assert.Contains("no face", text);
        Assert.False(File.Exists(Path.Combine(output, "front.png")));

        var (badExit, badText, _) = await Likeness("views", photos, "--out", output, "--matting", "best", "--mirror", mirror);
        Assert.Equal(2, badExit);
        Assert.Contains("matting 'best' is not known", badText);
    }

    [SkippableFact]
    public async Task Check_passes_a_portrait_and_fails_a_scene_a_corrupt_file_and_a_missing_path_with_their_fixes()
    {
        var mirror = TestPhotos.SharedModels();
        var good = Folder("good", ("img35.jpg", TestPhotos.Shared(Leo + "img35.jpg")));
        var (okExit, okText, _) = await Likeness("check", good, "--mirror", mirror);
        Assert.True(okExit == 0, okText);

        var corrupt = Folder("corrupt", ("photo.jpg", System.Security.Cryptography.RandomNumberGenerator.GetBytes(300)));
        var (badExit, badText, badErr) = await Likeness("check", corrupt, "--mirror", mirror, "--json");
        Assert.Equal(1, badExit);
        Assert.Contains("not an image", badText);
        Assert.DoesNotContain("   at ", badText + badErr); // no stack trace

        var (missingExit, missingText, _) = await Likeness("check", Path.Combine(_dir, "nope.jpg"), "--mirror", mirror);
        Assert.Equal(2, missingExit);
        Assert.Contains("not found", missingText);
    }

    [SkippableFact]
    public async Task Analyze_reports_faces_with_their_view_as_json_and_draws_the_overlay()
    {
        var mirror = TestPhotos.SharedModels();
        var photo = Path.Combine(Folder("one", ("img34.jpg", TestPhotos.Shared(Leo + "img34.jpg"))), "img34.jpg");
        var drawn = Path.Combine(_dir, "overlay.png");

        var (exit, text, _) = await Likeness("analyze", photo, "--json", "--draw", drawn, "--mirror", mirror);

        Assert.True(exit == 0, text);
        using var json = JsonDocument.Parse(text);
        var face = json.RootElement[0].GetProperty("faces")[0];
        Assert.Equal("ThreeQuarterLeft", face.GetProperty("view").GetString());
        Assert.True(face.GetProperty("yaw").GetDouble() < -15);
        var overlay = ImageCodec.Load(drawn);
        Assert.Equal((1600, 1065), (overlay.Width, overlay.Height));
    }

    [SkippableFact]
    public async Task Doctor_passes_with_the_models_and_names_each_missing_one_with_its_fix()
    {
        var mirror = TestPhotos.SharedModels();
        var (exit, text, _) = await Likeness("doctor", "--mirror", mirror);
        Assert.True(exit == 0, text);
        Assert.Contains("checks passed", text);

        var empty = Path.Combine(_dir, "empty-cache");
        Directory.CreateDirectory(empty);
        var (badExit, badText, _) = await Likeness("doctor", "--cache", empty);
        Assert.Equal(1, badExit);
        Assert.Contains("FAIL models/yunet", badText);
        Assert.Contains("likeness models fetch yunet", badText);
        Assert.Contains("problem(s)", badText);
    }
}
