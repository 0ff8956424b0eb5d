using System.CommandLine;
using System.Text.Json;
using Likeness.Pipelines;
using Likeness.Pipelines.Check;
using Spectre.Console;

namespace Likeness.Cli.Commands;

/// <summary>`likeness check PHOTO...`: onboarding validation; exit code 1 when a photo is unusable.</summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var photos = new Argument<string[]>("photos") { Description = "Reference photos of one person, or a folder of them.", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON." };
        var engineOptions = new EngineCliOptions();
        var command = new Command("check", "Check reference photos (format, size, one sharp, well-exposed face, same person) and say how to fix each problem.");
        command.Arguments.Add(photos);
        command.Options.Add(json);
        engineOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var files = InputFiles.Expand(parse.GetValue(photos) ?? []);
            if (files.Count == 0) { AnsiConsole.MarkupLine("[red]error[/] no photos given"); return 2; }
            var missing = files.Where(f => !File.Exists(f)).ToList();
            if (missing.Count > 0) { AnsiConsole.MarkupLine($"[red]error[/] not found: {Markup.Escape(string.Join(", ", missing))}"); return 2; }
            var (engine, lifetime) = engineOptions.Create(parse);
            using var _ = lifetime;
            var result = await new PhotoCheckPipeline(engine).CheckAsync(files.Select(EncodedImage.FromFile).ToList(), ct: ct);
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(result, ReportJson.Options));
            else
                Print(result);
            return result.AllUsable ? 0 : 1;
        });
        return command;
    }

    static void Print(SetCheckResult result)
    {
        foreach (var p in result.Photos)
        {
            var m = p.Measurements;
            var summary = m?.FaceWidthPx is null ? "" : $" ({m.Width}x{m.Height}, {m.Framing}, face {m.FaceWidthPx:0} px, {m.View} yaw {m.Yaw:+0;-0}{(m.SimilarityToOthers is { } s ? $", similarity {s:0.00}" : "")})";
            AnsiConsole.MarkupLine($"{(p.Usable ? "[green]ok  [/]" : "[red]FAIL[/]")} {Markup.Escape(p.Photo)}{Markup.Escape(summary)}");
            foreach (var f in p.Findings) PrintFinding(f);
        }
        foreach (var f in result.SetFindings) PrintFinding(f, "set: ");
        AnsiConsole.MarkupLine(result.AllUsable ? "[green]all photos usable[/]" : "[red]some photos are unusable: fix them as suggested above[/]");
    }

    static void PrintFinding(CheckFinding f, string prefix = "")
    {
        var mark = f.Severity == CheckSeverity.Error ? "[red]  x[/]" : "[yellow]  ![/]";
        AnsiConsole.MarkupLine($"{mark} {Markup.Escape(prefix + f.Rule)}: {Markup.Escape(f.Message)}{(f.Fix is null ? "" : $" [grey]fix: {Markup.Escape(f.Fix)}[/]")}");
    }
}
