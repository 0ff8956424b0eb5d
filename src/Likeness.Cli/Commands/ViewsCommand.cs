using System.CommandLine;
using System.Text.Json;
using Likeness.Imaging.Codecs;
using Likeness.Pipelines;
using Likeness.Pipelines.Views;
using Spectre.Console;

namespace Likeness.Cli.Commands;

/// <summary>`likeness views PHOTO... --out DIR`: the standard headshot set from the user's own photos.</summary>
public static class ViewsCommand
{
    public static Command Create() => Create("views", GenerateViews.None,
        "Make the standard headshot set (front, three-quarter and profile to each side) from your own photos; --generate fills the gaps through a provider, every generated view gated.");

    /// <summary>`likeness generate views`: the same command with generation of the missing views on by default.</summary>
    public static Command CreateGenerate() => Create("views", GenerateViews.Missing,
        "Generate the views your photos do not cover (or all five with --generate all) through a provider; each one passes the likeness gate or is reported with every attempt's verdict.");

    static Command Create(string name, GenerateViews defaultMode, string description)
    {
        var photos = new Argument<string[]>("photos") { Description = "Photos of one person, or a folder of them.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Folder for the views, sheet.png and views.json.", Required = true };
        var matting = new Option<string>("--matting") { Description = "quality (ISNet) or fast.", DefaultValueFactory = _ => "quality" };
        var generate = new Option<GenerateViews>("--generate") { Description = "none, missing (views the photos do not cover) or all: generated through a provider and gated.", DefaultValueFactory = _ => defaultMode };
        var json = new Option<bool>("--json") { Description = "Print views.json to standard output instead of the tables." };
        var engineOptions = new EngineCliOptions();
        var generation = new GenerationCliOptions();
        var command = new Command(name, description);
        command.Arguments.Add(photos);
        command.Options.Add(output);
        command.Options.Add(matting);
        command.Options.Add(generate);
        command.Options.Add(json);
        engineOptions.AddTo(command);
        generation.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var files = InputFiles.Expand(parse.GetValue(photos) ?? []);
            if (files.Count == 0) { AnsiConsole.MarkupLine("[red]error[/] no JPEG/PNG/WebP photos given"); return 2; }
            var dir = parse.GetValue(output)!;
            var mattingName = parse.GetValue(matting)!.Trim().ToLowerInvariant();
            if (!Likeness.Vision.Matting.MattingModels.Names.Contains(mattingName))
            {
                AnsiConsole.MarkupLine($"[red]error[/] matting '{Markup.Escape(mattingName)}' is not known: use one of {string.Join(", ", Likeness.Vision.Matting.MattingModels.Names)}");
                return 2;
            }
            var inputs = new List<EncodedImage>();
            foreach (var f in files)
            {
                try { inputs.Add(EncodedImage.FromFile(f)); }
                catch (LikenessException e) { AnsiConsole.MarkupLine($"[yellow]skipped[/] {Markup.Escape(e.Message)}"); }
            }
            var (engine, lifetime) = engineOptions.Create(parse);
            using var _ = lifetime;
            var mode = parse.GetValue(generate);
            ViewGeneration? viewGeneration = null;
            if (mode != GenerateViews.None)
            {
                if (generation.Create(parse, engine) is not { } session) return 2;
                viewGeneration = new ViewGeneration(session.Generator, session.Gate, session.Context, mode, generation.Route(parse));
            }
            ViewsOutcome outcome = null!;
            bool quiet = parse.GetValue(json);
            async Task Run(IProgress<PipelineProgress>? progress) => outcome = await new ViewsPipeline(engine).RunAsync(inputs, mattingName, progress, ct, viewGeneration);
            if (quiet) await Run(null);
            else
                await AnsiConsole.Progress().StartAsync(async ctx =>
                {
                    var task = ctx.AddTask("views", maxValue: 1);
                    await Run(new InlineProgress<PipelineProgress>(p => { task.Value = p.Fraction; task.Description = Markup.Escape($"{p.Item}: {p.Stage}"); }));
                    task.Value = 1;
                });
            Directory.CreateDirectory(dir);
            foreach (var (view, image) in outcome.Images)
                ImageCodec.Save(image, Path.Combine(dir, ViewsPipeline.FileName(view)));
            ImageCodec.Save(outcome.Sheet, Path.Combine(dir, "sheet.png"));
            var report = JsonSerializer.Serialize(new { views = outcome.Views, skipped = outcome.Skipped }, ReportJson.Options);
            await File.WriteAllTextAsync(Path.Combine(dir, "views.json"), report, ct);
            if (quiet)
            {
                Console.Out.WriteLine(report);
                return outcome.Images.Count > 0 ? 0 : 1;
            }

            var attempts = outcome.Views.SelectMany(v => (v.Attempts ?? []).Select(a => (ViewsPipeline.Label(v.View), a))).ToList();
            if (attempts.Count > 0) GateTable.Print("likeness gate", attempts);
            foreach (var v in outcome.Views)
                AnsiConsole.MarkupLine(v.Missing is null
                    ? $"[green]ok[/]      {ViewsPipeline.Label(v.View),-20} {(v.Generated ? "generated" : "from")} {Markup.Escape(v.Generated ? $"(identity {v.Similarity:0.00})" : v.SourcePhoto!)} (yaw {v.Yaw:+0;-0})"
                    : $"[yellow]missing[/] {ViewsPipeline.Label(v.View),-20} {Markup.Escape(v.Missing)}");
            foreach (var s in outcome.Skipped) AnsiConsole.MarkupLine($"[grey]skipped {Markup.Escape(s)}[/]");
            AnsiConsole.MarkupLine($"wrote {outcome.Images.Count} view(s), sheet.png and views.json to {Markup.Escape(dir)}");
            return outcome.Images.Count > 0 ? 0 : 1;
        });
        return command;
    }
}
