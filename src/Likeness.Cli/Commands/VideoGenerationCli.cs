using System.CommandLine;
using System.Text.Json;
using Likeness.Pipelines;
using Likeness.Pipelines.Generation;
using Likeness.Pipelines.Swap.Video;
using Likeness.Providers;
using Likeness.Vision.Identity;
using Spectre.Console;

namespace Likeness.Cli.Commands;

/// <summary>What `animate` and `lipsync` share: the identity the video must show, the gated run, the verdict table and the copy to --out.</summary>
internal static class VideoGenerationCli
{
    public static Option<string> Identity(bool required) => new("--identity")
    {
        Description = "A photo of the person, or a folder of their photos: every frame of the video is checked against them" +
            (required ? "." : " (default: the --image itself)."),
        Required = required,
    };

    /// <summary>Runs a video command: a cancel writes nothing (130); a bad input, a missing model or a provider refusal is one line (2).</summary>
    public static async Task<int> GuardAsync(string command, Func<Task<int>> run)
    {
        try { return await run(); }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"likeness {command}: canceled; nothing was written.");
            return 130;
        }
        catch (Exception e) when (e is LikenessException or ArgumentException or IOException or ProviderException or Models.ModelUnavailableException)
        {
            Console.Error.WriteLine($"likeness {command}: {e.Message}");
            return 2;
        }
    }

    public static Option<int> Attempts() => new("--video-attempts") { Description = "Videos generated at most before giving up (each is paid).", DefaultValueFactory = _ => 2 };

    public static async Task<IdentityTemplate> IdentityAsync(VisionEngine engine, string path, CancellationToken ct)
    {
        var files = Directory.Exists(path) ? ReferencePhotos.InFolder(path)
            : File.Exists(path) ? [path]
            : throw new ArgumentException($"{path}: no such photo or folder.");
        var (template, photos) = await engine.Identity.BuildTemplateAsync(files, ct);
        return template ?? throw new ArgumentException($"No usable face in {path}: {string.Join("; ", photos.Select(p => $"{Path.GetFileName(p.Path)}: {p.Result.Problem}"))}. Give a clear photo of the person's face.");
    }

    public static MediaInput Media(string path, string kind)
    {
        if (!File.Exists(path)) throw new ArgumentException($"{path}: no such {kind} file.");
        var extension = Path.GetExtension(path).ToLowerInvariant();
        var type = extension switch
        {
            ".jpg" or ".jpeg" => "image/jpeg", ".png" => "image/png", ".webp" => "image/webp",
            ".mp4" or ".m4v" => "video/mp4", ".mov" => "video/quicktime", ".webm" => "video/webm",
            ".wav" => "audio/wav", ".mp3" => "audio/mpeg", ".m4a" => "audio/mp4", ".ogg" => "audio/ogg", ".flac" => "audio/flac",
            _ => "",
        };
        if (!type.StartsWith(kind + "/", StringComparison.Ordinal))
            throw new ArgumentException($"{path}: '{extension}' files are not taken as {kind}; use " + kind switch
            {
                "image" => ".jpg, .png or .webp",
                "video" => ".mp4, .mov or .webm",
                _ => ".wav, .mp3, .m4a, .ogg or .flac",
            } + ".");
        return MediaInput.FromBytes(File.ReadAllBytes(path), type);
    }

    /// <summary>Runs the request through the video gate and copies the accepted video to <paramref name="output"/>; 0 ok, 1 gate refused, 2 error.</summary>
    public static async Task<int> RunAsync(string command, GenerationSession session, GenerationRequest request, IdentityTemplate identity, VisionEngine engine,
        int attempts, string output, bool json, CancellationToken ct)
    {
        if (!output.EndsWith(".mp4", StringComparison.OrdinalIgnoreCase)) throw new ArgumentException($"--out {output}: the video is written as .mp4.");
        var generator = new GatedVideoGenerator(session.Service, session.Outputs, new VideoLikenessGate(engine), attempts);
        var progress = json ? null : new Progress<string>(line => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(line)}[/]"));
        try
        {
            var outcome = await generator.RunAsync(command, request, identity, session.Context, progress, ct);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            var partial = output + ".partial";
            await using (var stored = await session.Outputs.OpenAsync(outcome.Video.Key, ct) ?? throw new FileNotFoundException($"stored video {outcome.Video.Key} is missing"))
            await using (var file = File.Create(partial))
                await stored.CopyToAsync(file, ct);
            File.Move(partial, output, overwrite: true);
            Print(json, outcome.Attempts, output, null);
            return 0;
        }
        catch (VideoGenerationFailedException e)
        {
            Print(json, e.Attempts, null, e.Message);
            Console.Error.WriteLine($"likeness {command}: {e.Message}. Nothing was written.");
            return 1;
        }
    }

    static void Print(bool json, IReadOnlyList<VideoAttempt> attempts, string? output, string? error)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { output, error, estimatedUsd = attempts.Sum(a => a.EstimatedUsd), attempts }, ReportJson.Options));
            return;
        }
        var table = new Table().Title("video gate").AddColumns("#", "Provider", "Frames", "With face", "Alike", "Median", "Verdict");
        foreach (var a in attempts)
        {
            var v = a.Verdict;
            table.AddRow(new Text(a.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Text($"{a.Provider}:{a.Model}"),
                new Text(v.FramesSampled.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Text(v.FramesWithFace.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text(v.FramesAlike.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Text(v.MedianSimilarity is { } m ? m.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) : "-"),
                new Markup(v.Passed ? "[green]passed[/]" : "[red]" + Markup.Escape(v.Summary) + "[/]"));
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"{attempts.Count} video(s) generated, estimated ${attempts.Sum(a => a.EstimatedUsd):0.00}" + (output is null ? "" : $"; written to {Markup.Escape(output)}"));
    }

}
