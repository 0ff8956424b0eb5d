using System.CommandLine;
using System.Text.Json;
using Likeness.Imaging.Codecs;
using Likeness.Pipelines;
using Likeness.Pipelines.Generation;
using Spectre.Console;

namespace Likeness.Cli.Commands;

/// <summary>`likeness generate views|cinematic|poses`: new images of the person through a provider, each one gated by the local engine.</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var command = new Command("generate", "Make new images of the person through a provider (GEMINI_API_KEY, FAL_KEY, ...); every image passes the likeness gate or the run fails with each attempt's verdict.");
        command.Subcommands.Add(ViewsCommand.CreateGenerate());
        command.Subcommands.Add(Cinematic());
        command.Subcommands.Add(GeneratePosesCommand.Create());
        return command;
    }

    static Command Cinematic()
    {
        var photos = new Argument<string[]>("photos") { Description = "Reference photos of one person, or a folder of them.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Folder for still.png, portrait.png, final.png, description.txt and cinematic.json.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print cinematic.json to standard output instead of the tables." };
        var engineOptions = new EngineCliOptions();
        var generation = new GenerationCliOptions();
        var command = new Command("cinematic", "The cinematic chain: a movie still of the person (waist-up), a portrait matched to it, and the still recreated from a face-free description; each step gated.");
        command.Arguments.Add(photos);
        command.Options.Add(output);
        command.Options.Add(json);
        engineOptions.AddTo(command);
        generation.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var files = InputFiles.Expand(parse.GetValue(photos) ?? []);
            if (files.Count == 0) { AnsiConsole.MarkupLine("[red]error[/] no JPEG/PNG/WebP photos given"); return 2; }
            var inputs = new List<EncodedImage>();
            foreach (var f in files)
            {
                try { inputs.Add(EncodedImage.FromFile(f)); }
                catch (LikenessException e) { AnsiConsole.MarkupLine($"[yellow]skipped[/] {Markup.Escape(e.Message)}"); }
            }
            var (engine, lifetime) = engineOptions.Create(parse);
            using var _ = lifetime;
            if (generation.Create(parse, engine) is not { } session) return 2;
            ReferenceSet references;
            try { references = await ReferenceSet.BuildAsync(engine, inputs, ct); }
            catch (LikenessException e) { Console.Error.WriteLine($"error: {e.Message}"); return 2; }
            foreach (var s in references.Skipped) AnsiConsole.MarkupLine($"[grey]skipped {Markup.Escape(s)}[/]");

            var chain = new CinematicChain(session.Generator, session.Service, generation.Route(parse));
            IReadOnlyList<CinematicStep> steps;
            string? failure = null;
            bool quiet = parse.GetValue(json);
            try
            {
                if (quiet) steps = await chain.RunAsync(references.References, references.Template, session.Context, null, ct);
                else
                {
                    IReadOnlyList<CinematicStep> done = [];
                    await AnsiConsole.Progress().StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask("cinematic", maxValue: 3);
                        var progress = new InlineProgress<CinematicProgress>(p =>
                        {
                            task.Value = p.Step - 1;
                            task.Description = Markup.Escape(p.Attempt is { } a ? $"step {p.Step} {p.Name}: attempt {a.Attempt}/{a.MaxAttempts} {a.Stage}" : $"step {p.Step} {p.Name}");
                        });
                        done = await chain.RunAsync(references.References, references.Template, session.Context, progress, ct);
                        task.Value = 3;
                    });
                    steps = done;
                }
            }
            catch (CinematicChainFailedException e) { steps = e.Steps; failure = e.Message; }

            var dir = parse.GetValue(output)!;
            Directory.CreateDirectory(dir);
            var written = new List<string>();
            foreach (var step in steps)
            {
                var file = step.Name switch { "still" => "still.png", "matched portrait" => "portrait.png", "final" => "final.png", _ => null };
                if (step.Image is not null && file is not null) { ImageCodec.Save(step.Image, Path.Combine(dir, file)); written.Add(file); }
                if (step.Text is not null) { await File.WriteAllTextAsync(Path.Combine(dir, "description.txt"), step.Text, ct); written.Add("description.txt"); }
            }
            var report = JsonSerializer.Serialize(new
            {
                passed = failure is null,
                failure,
                steps = steps.Select(s => new { name = s.Name, file = s.Image is null ? null : s.Name, text = s.Text, attempts = AttemptReport.From(s.Attempts) }),
                skipped = references.Skipped,
                estimatedUsd = steps.SelectMany(s => s.Attempts).Sum(a => a.EstimatedUsd),
            }, ReportJson.Options);
            await File.WriteAllTextAsync(Path.Combine(dir, "cinematic.json"), report, ct);
            if (quiet) Console.Out.WriteLine(report);
            else
            {
                GateTable.Print("likeness gate", steps.SelectMany(s => s.Attempts.Select(a => (s.Name, AttemptReport.From(a)))));
                AnsiConsole.MarkupLine(failure is null
                    ? $"[green]ok[/] wrote {Markup.Escape(string.Join(", ", written))} and cinematic.json to {Markup.Escape(dir)}"
                    : $"[red]failed[/] {Markup.Escape(failure)}{Environment.NewLine}kept {Markup.Escape(string.Join(", ", written.DefaultIfEmpty("nothing")))} and cinematic.json in {Markup.Escape(dir)}");
            }
            return failure is null ? 0 : 1;
        });
        return command;
    }
}
