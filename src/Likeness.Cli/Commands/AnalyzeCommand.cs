using System.CommandLine;
using System.Text.Json;
using Likeness.Imaging.Codecs;
using Likeness.Pipelines;
using Likeness.Pipelines.Analyze;
using Spectre.Console;

namespace Likeness.Cli.Commands;

/// <summary>`likeness analyze PHOTO... [--json] [--draw OUT]`: faces, head pose, quality, coverage and body pose.</summary>
public static class AnalyzeCommand
{
    public static Command Create()
    {
        var photos = new Argument<string[]>("photos") { Description = "Photos or folders.", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print JSON (the raw embedding vector is never printed)." };
        var draw = new Option<string?>("--draw") { Description = "Write an overlay (boxes, mesh, view label, skeleton): a .png file for one photo, a folder for several." };
        var matting = new Option<string>("--matting") { Description = "Matting for person coverage: fast or quality.", DefaultValueFactory = _ => "fast" };
        var engineOptions = new EngineCliOptions();
        var command = new Command("analyze", "Show what the local engine sees in each photo: faces, 5 keypoints, yaw/pitch/roll and view, quality, person coverage, body pose.");
        command.Arguments.Add(photos);
        command.Options.Add(json);
        command.Options.Add(draw);
        command.Options.Add(matting);
        engineOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var files = InputFiles.Expand(parse.GetValue(photos) ?? []);
            var drawArg = parse.GetValue(draw);
            var (engine, lifetime) = engineOptions.Create(parse);
            using var _ = lifetime;
            var pipeline = new AnalyzePipeline(engine, parse.GetValue(matting)!);
            var all = new List<PhotoAnalysis>();
            int problems = 0;
            foreach (var file in files)
            {
                PhotoAnalysis analysis;
                try
                {
                    var (a, drawing) = await pipeline.AnalyzeAsync(EncodedImage.FromFile(file), drawArg is not null, ct);
                    analysis = a;
                    if (drawing is not null)
                    {
                        var target = files.Count == 1 && Path.HasExtension(drawArg) ? drawArg! : Path.Combine(drawArg!, Path.GetFileNameWithoutExtension(file) + "-analysis.png");
                        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
                        ImageCodec.Save(drawing, target);
                    }
                }
                catch (LikenessException e) { analysis = new PhotoAnalysis(Path.GetFileName(file), 0, 0, [], 0, "", null, null, e.Message); }
                if (analysis.Problem is not null) problems++;
                all.Add(analysis);
                if (!parse.GetValue(json)) Print(analysis);
            }
            if (parse.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(all, ReportJson.Options));
            return problems == 0 ? 0 : 1;
        });
        return command;
    }

    static void Print(PhotoAnalysis a)
    {
        if (a.Width == 0) { AnsiConsole.MarkupLine($"[red]{Markup.Escape(a.Photo)}[/]: {Markup.Escape(a.Problem ?? "")}"); return; }
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(a.Photo)}[/] {a.Width}x{a.Height}: {a.Faces.Count} face(s){(a.Framing is null ? "" : $", {a.Framing}")}, person coverage {a.PersonCoverage:P0} ({a.MattingModel}), body pose by {a.PoseModel}");
        if (a.Problem is not null) AnsiConsole.MarkupLine($"  [yellow]{Markup.Escape(a.Problem)}[/]");
        foreach (var f in a.Faces)
            AnsiConsole.MarkupLine(Markup.Escape($"  face {f.Index}: box {f.Box} score {f.Score:0.00}; {f.View} (yaw {f.Yaw:+0.0;-0.0}, pitch {f.Pitch:+0.0;-0.0}, roll {f.Roll:+0.0;-0.0}); {f.Quality}; embedding {f.EmbeddingModel} {f.EmbeddingDimensions}-d norm {f.EmbeddingNorm}"));
    }
}
