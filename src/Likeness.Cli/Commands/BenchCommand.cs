using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Likeness.Cli.Bench;
using Likeness.Imaging.Codecs;
using Likeness.Inference;
using Spectre.Console;

namespace Likeness.Cli.Commands;

/// <summary>
/// `likeness bench`: measures, in one run, each stage's whole-call time and (for model stages) the model's
/// own ORT time, and reports the overhead ratio. Figures are medians on this machine, never asserted in tests.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var photo = new Option<string?>("--photo") { Description = "Photo to measure on (default: the bundled samples/astronaut.png)." };
        var iterations = new Option<int>("--iterations") { Description = "Measured runs per stage (after one warm-up).", DefaultValueFactory = _ => 10 };
        var json = new Option<string?>("--json") { Description = "Also write the results as JSON to this file." };
        var only = new Option<string[]>("--only") { Description = "Stage groups to run: codecs, runtime, vision, gate, compose, swap, batch (default: all but batch)." };
        var video = new Option<string?>("--video") { Description = "Clip for the swap group (default: a 720p clip made from the bundled astronaut with ffmpeg); --photo is the source face." };
        var people = new Option<string?>("--people") { Description = "Folder of person photos for the batch group (the first 20, recursively; default: the astronaut 20 times)." };

        var storeOptions = new ModelStoreCliOptions();
        var command = new Command("bench", "Measure codec, runtime and vision stages (model time vs whole call) on one photo.");
        command.Options.Add(photo);
        command.Options.Add(iterations);
        command.Options.Add(json);
        command.Options.Add(only);
        command.Options.Add(video);
        command.Options.Add(people);
        storeOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(photo) ?? SamplePaths.Astronaut;
            var image = ImageCodec.Load(path);
            int n = Math.Max(1, parse.GetValue(iterations));
            var groups = parse.GetValue(only) is { Length: > 0 } g ? g.ToHashSet(StringComparer.OrdinalIgnoreCase) : null;
            bool Want(string name) => groups is null ? name != "batch" : groups.Contains(name);

            using var store = storeOptions.CreateStore(parse);
            using var sessions = new ModelSessions(store);
            var results = new List<StageResult>();
            if (Want("codecs")) results.AddRange(BenchSuites.Codecs(image, n));
            if (Want("runtime")) results.AddRange(await BenchSuites.RuntimeAsync(sessions, image, n));
            if (Want("vision")) results.AddRange(await BenchSuites.FacesAsync(sessions, image, n));
            if (Want("gate")) results.AddRange(await BenchSuites.GateAsync(sessions, image, n));
            if (Want("compose")) results.AddRange(await BenchSuites.ComposeAsync(sessions, image, ImageCodec.Load(SamplePaths.Rocket), n));
            if (Want("swap")) results.AddRange(await Likeness.Cli.Bench.SwapBench.VideoAsync(sessions, image, parse.GetValue(video), ct));
            if (Want("batch")) results.AddRange(await Likeness.Cli.Bench.BatchBench.RunAsync(sessions, parse.GetValue(people), SamplePaths.Rocket, ct));

            Print(results, path, image.Width, image.Height, n);
            if (parse.GetValue(json) is { } file)
                await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
                {
                    photo = path, width = image.Width, height = image.Height, iterations = n,
                    peakWorkingSetMiB = Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024),
                    stages = results.Select(r => new { r.Group, r.Stage, r.Iterations, r.MedianMs, r.ModelMs, r.OverheadRatio, r.Note }),
                }, new JsonSerializerOptions { WriteIndented = true }), ct);
            return 0;
        });
        return command;
    }

    static void Print(IReadOnlyList<StageResult> results, string path, int w, int h, int n)
    {
        var table = new Table().AddColumns("group", "stage", "median ms", "model ms", "outside model", "note");
        foreach (var r in results)
            table.AddRow(r.Group, Markup.Escape(r.Stage), r.MedianMs.ToString("0.00"), r.ModelMs?.ToString("0.00") ?? "",
                r.OverheadRatio is { } o ? $"{o:P1}" : "", Markup.Escape(r.Note ?? ""));
        AnsiConsole.MarkupLine($"[bold]likeness bench[/] on {Markup.Escape(path)} ({w}x{h}), {n} runs per stage, {Environment.ProcessorCount} cores");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MiB");
    }
}

/// <summary>The public-domain samples bundled in the repository.</summary>
public static class SamplePaths
{
    public static string Astronaut => Find("astronaut.png");
    public static string Rocket => Find("rocket.jpg");

    static string Find(string file)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "samples", file);
                if (File.Exists(candidate)) return candidate;
            }
        throw new LikenessException($"the bundled sample samples/{file} was not found: run from the Likeness checkout or pass a photo path");
    }
}
