using System.CommandLine;
using System.Text.Json;
using Likeness.Cli.Commands;
using Likeness.Tests.Support;
using Likeness.Vision.Faces.Detection;
using Likeness.Vision.Identity;
using Spectre.Console;
using Xunit.Abstractions;

namespace Likeness.Tests.Vision.Identity;

public sealed class CompareCommandTests(ITestOutputHelper log)
{
    readonly StringWriter output = new();

    async Task<int> RunAsync(params string[] args)
    {
        TestModels.Require(YuNetDetector.Model, IdentityVerificationSettings.Default.Model);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 400;
        var root = new RootCommand();
        root.Subcommands.Add(CompareCommand.Create(console));
        string[] mirror = TestPaths.SharedModels is { } m ? ["--mirror", m] : [];
        var exit = await root.Parse(["compare", .. args, .. mirror]).InvokeAsync();
        log.WriteLine(output.ToString());
        return exit;
    }

    static string Photo(string relative) => TestPaths.TestDataFile(relative);

    [SkippableFact]
    public async Task Two_photos_of_one_person_are_the_same_with_exit_code_0()
    {
        var exit = await RunAsync(Photo("identity/angelina_jolie/img1.jpg"), Photo("identity/angelina_jolie/img2.jpg"));
        Assert.Equal(0, exit);
        Assert.Contains("same person", output.ToString());
        Assert.Contains($"threshold {IdentityVerificationSettings.Default.Threshold:0.000}", output.ToString());
    }

    [SkippableFact]
    public async Task Reference_folder_against_another_person_is_different_with_exit_code_1_as_json()
    {
        var folder = Path.GetDirectoryName(Photo("identity/angelina_jolie/img1.jpg"))!;
        var exit = await RunAsync(folder, Photo("identity/scarlett_johansson/img49.jpg"), "--json");
        Assert.Equal(1, exit);
        using var doc = JsonDocument.Parse(output.ToString());
        Assert.Equal("different", doc.RootElement.GetProperty("verdict").GetString());
        Assert.True(doc.RootElement.GetProperty("similarity").GetDouble() < doc.RootElement.GetProperty("threshold").GetDouble());
        Assert.True(doc.RootElement.GetProperty("a").GetArrayLength() >= 5, "every reference photo is listed");
    }

    [SkippableFact]
    public async Task Photo_without_a_face_is_named_with_the_fix_and_exit_code_2()
    {
        var coffee = Photo("backgrounds/skimage/coffee.png");
        var exit = await RunAsync(Photo("identity/angelina_jolie/img1.jpg"), coffee);
        Assert.Equal(2, exit);
        Assert.Contains(coffee, output.ToString());
        Assert.Contains("no face found", output.ToString());
        Assert.Contains("use a photo where one face is clearly visible", output.ToString());
    }

    [SkippableFact]
    public async Task Missing_file_is_an_error_not_a_crash()
    {
        var exit = await RunAsync("/nonexistent/a.jpg", Photo("identity/angelina_jolie/img1.jpg"));
        Assert.Equal(2, exit);
        Assert.Contains("no such photo or folder", output.ToString());
    }
}
