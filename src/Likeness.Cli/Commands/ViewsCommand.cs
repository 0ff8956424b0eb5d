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
    public static Command Create()
    {
        var photos = new Argument<string[]>("photos") { Description = "Photos of one person, or a folder of them.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Folder for the views, sheet.png and views.json.", Required = true };
        var matting = new Option<string>("--matting") { Description = "quality (ISNet) or fast.", DefaultValueFactory = _ => "quality" };
        var engineOptions = new EngineCliOptions();
        var command = new Command("views", "Make the standard headshot set (front, three-quarter and profile to each side) from your own photos.");
        command.Arguments.Add(photos);
        command.Options.Add(output);
        command.Options.Add(matting);
        engineOptions.AddTo(command);
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
            ViewsOutcome outcome = null!;
            await AnsiConsole.Progress().StartAsync(async ctx =>
            {
                var task = ctx.AddTask("views", maxValue: 1);
                var progress = new InlineProgress<PipelineProgress>(p => { task.Value = p.Fraction; task.Description = Markup.Escape($"{p.Item}: {p.Stage}"); });
                outcome = await new ViewsPipeline(engine).RunAsync(inputs, mattingName, progress, ct);
                task.Value = 1;
            });
            Directory.CreateDirectory(dir);
            foreach (var (view, image) in outcome.Images)
                ImageCodec.Save(image, Path.Combine(dir, ViewsPipeline.FileName(view)));
            ImageCodec.Save(outcome.Sheet, Path.Combine(dir, "sheet.png"));
            await File.WriteAllTextAsync(Path.Combine(dir, "views.json"), JsonSerializer.Serialize(new { views = outcome.Views, skipped = outcome.Skipped }, ReportJson.Options), ct);

            foreach (var v in outcome.Views)
                AnsiConsole.MarkupLine(v.Missing is null
                    ? $"[green]ok[/]      {ViewsPipeline.Label(v.View),-20} from {Markup.Escape(v.SourcePhoto!)} (yaw {v.Yaw:+0;-0})"
                    : $"[yellow]missing[/] {ViewsPipeline.Label(v.View),-20} {Markup.Escape(v.Missing)}");
            foreach (var s in outcome.Skipped) AnsiConsole.MarkupLine($"[grey]skipped {Markup.Escape(s)}[/]");
            AnsiConsole.MarkupLine($"wrote {outcome.Images.Count} view(s), sheet.png and views.json to {Markup.Escape(dir)}");
            return outcome.Images.Count > 0 ? 0 : 1;
        });
        return command;
    }
}
