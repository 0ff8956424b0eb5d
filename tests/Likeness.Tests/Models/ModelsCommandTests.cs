using System.CommandLine;
using Likeness.Cli.Commands;
using Likeness.Models;
using Likeness.Tests.Support;
using Spectre.Console;

namespace Likeness.Tests.Models;

public sealed class ModelsCommandTests : IDisposable
{
    readonly ModelTestKit kit = new();
    readonly StringWriter output = new();

    async Task<int> RunAsync(params string[] args)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 400;
        var root = new RootCommand();
        root.Subcommands.Add(ModelsCommand.Create(console));
        return await root.Parse(args).InvokeAsync();
    }

    static string[] MirroredModelNames(string mirror) =>
        ModelManifest.Embedded.Models.Where(m => File.Exists(Path.Combine(mirror, m.File))).Select(m => m.Name).ToArray();

    [SkippableFact]
    public async Task Verify_against_the_shared_mirror_succeeds_for_every_mirrored_model()
    {
        var mirror = TestPaths.SharedModels ?? throw new SkipException(TestPaths.SharedMissing);
        var names = MirroredModelNames(mirror);
        Skip.If(names.Length == 0, "no manifest model is in ../shared/models");

        var exit = await RunAsync(["models", "verify", .. names, "--cache", kit.Cache, "--mirror", mirror]);

        Assert.True(exit == 0, output.ToString());
        Assert.Contains($"{names.Length} model(s) verified", output.ToString());
    }

    [SkippableFact]
    public async Task Fetch_copies_a_model_from_the_mirror_into_the_cache()
    {
        var mirror = TestPaths.SharedModels ?? throw new SkipException(TestPaths.SharedMissing);
        TestPaths.SharedModel("face_detection/yunet_n_dynamic.onnx");

        var exit = await RunAsync("models", "fetch", "yunet", "--cache", kit.Cache, "--mirror", mirror);

        Assert.True(exit == 0, output.ToString());
        Assert.True(File.Exists(Path.Combine(kit.Cache, "face_detection", "yunet_n_dynamic.onnx")));
    }

    [Fact]
    public async Task Verify_fails_with_the_fix_when_a_cached_model_is_damaged()
    {
        ModelTestKit.WriteFile(kit.Cache, "face_detection/yunet_n_dynamic.onnx", [1, 2, 3]);

        var exit = await RunAsync("models", "verify", "yunet", "--cache", kit.Cache);

        Assert.Equal(1, exit);
        Assert.Contains("likeness models fetch yunet", output.ToString());
    }

    [Fact]
    public async Task List_marks_noncommercial_and_agpl_models_and_defaults()
    {
        var exit = await RunAsync("models", "list", "--cache", kit.Cache);

        var text = output.ToString();
        Assert.Equal(0, exit);
        Assert.Matches(@"scrfd-500m\s.*noncommercial", text);
        Assert.Matches(@"isnet\s.*AGPL", text);
        Assert.Matches(@"yunet\s.*default", text);
    }

    [Fact]
    public async Task Fetch_of_an_unknown_model_exits_2_naming_the_list_command()
    {
        var exit = await RunAsync("models", "fetch", "no-such-model", "--cache", kit.Cache);

        Assert.Equal(2, exit);
        Assert.Contains("likeness models list", output.ToString());
    }

    public void Dispose()
    {
        output.Dispose();
        kit.Dispose();
    }
}
