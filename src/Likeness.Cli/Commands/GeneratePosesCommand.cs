using System.CommandLine;
using System.Text.Json;
using Likeness.Imaging.Codecs;
using Likeness.Pipelines;
using Likeness.Pipelines.Generation;
using Likeness.Providers;
using Likeness.Vision.Pose.Templates;
using Spectre.Console;

namespace Likeness.Cli.Commands;

/// <summary>`likeness generate poses PHOTOS --pose ID... --lora URL`: avatars of the person in poses, each gated on likeness and pose.</summary>
public static class GeneratePosesCommand
{
    public static Command Create()
    {
        var photos = new Argument<string[]>("photos") { Description = "Reference photos of one person, or a folder of them (for the likeness check).", Arity = ArgumentArity.OneOrMore };
        var poses = new Option<string[]>("--pose") { Description = "Pose ids from the catalogue (ID-mirrored for mirror images); repeatable. `likeness pose list` shows them.", AllowMultipleArgumentsPerToken = true };
        var count = new Option<int?>("--count") { Description = "Take this many poses from the catalogue instead (with --category: from that category)." };
        var category = new Option<string?>("--category") { Description = $"With --count: {string.Join(", ", PoseCatalog.Categories)}." };
        var catalog = PoseCommand.CatalogOption();
        var prompt = new Option<string>("--prompt") { Description = "What the person wears and where they are.", Required = true };
        var lora = new Option<string?>("--lora") { Description = "URL of the person's LoRA weights (pose routes take no reference photos: the likeness comes from the LoRA)." };
        var trigger = new Option<string?>("--trigger") { Description = "The LoRA's trigger word." };
        var scale = new Option<double>("--lora-scale") { Description = "LoRA strength.", DefaultValueFactory = _ => Likeness.Pipelines.Lora.IdentityPanel.LoraScale };
        var longSide = new Option<int>("--long-side") { Description = "Output long side in pixels (the aspect is the pose's).", DefaultValueFactory = _ => PoseGeneration.DefaultLongSide };
        var output = new Option<string>("--out") { Description = "Folder for POSE.png per avatar, sheet.png and poses.json.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print poses.json instead of the tables." };
        var engineOptions = new EngineCliOptions();
        var generation = new GenerationCliOptions();
        var command = new Command("poses", "Avatars: the person in poses from the pose library through a pose-control route (fal-ai/flux-general with a pose ControlNet, then Replicate comfyui/any-comfyui-workflow); " +
            "each image is gated on the likeness and on the pose re-extracted from it (mirror images caught). Exit 1 when a pose never passed.")
            { photos, poses, count, category, catalog, prompt, lora, trigger, scale, longSide, output, json };
        engineOptions.AddTo(command);
        generation.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            List<PoseTemplate> chosen;
            try { chosen = Choose(PoseCommand.LoadCatalog(parse, catalog), parse.GetValue(poses) ?? [], parse.GetValue(count), parse.GetValue(category)); }
            catch (LikenessException e) { Console.Error.WriteLine($"error: {e.Message}"); return 2; }
            if (parse.GetValue(lora) is not { Length: > 0 } loraUrl && generation.Route(parse) is null)
            {
                Console.Error.WriteLine("error: pose generation keeps the likeness through a LoRA: give --lora URL (train one with `likeness lora train`), or --route to a pose model that takes reference photos");
                return 2;
            }
            var inputs = new List<EncodedImage>();
            foreach (var f in InputFiles.Expand(parse.GetValue(photos) ?? []))
            {
                try { inputs.Add(EncodedImage.FromFile(f)); }
                catch (LikenessException e) { AnsiConsole.MarkupLine($"[yellow]skipped[/] {Markup.Escape(e.Message)}"); }
            }
            if (inputs.Count == 0) { Console.Error.WriteLine("error: no readable reference photos given"); return 2; }
            var (engine, lifetime) = engineOptions.Create(parse);
            using var _ = lifetime;
            if (generation.Create(parse, engine) is not { } session) return 2;
            ReferenceSet references;
            try { references = await ReferenceSet.BuildAsync(engine, inputs, ct); }
            catch (LikenessException e) { Console.Error.WriteLine($"error: {e.Message}"); return 2; }

            var identity = new PoseIdentity(references.Template, references.References,
                parse.GetValue(lora) is { Length: > 0 } url ? new LoraWeight(url, parse.GetValue(scale)) : null, parse.GetValue(trigger));
            var jobs = chosen.Select(p => new PoseJob(p, parse.GetValue(prompt)!)).ToList();
            var dir = parse.GetValue(output)!;
            Directory.CreateDirectory(dir);
            var results = new List<PoseResult>();
            bool quiet = parse.GetValue(json);
            await foreach (var r in new PoseGeneration(session.Generator).RunAsync(jobs, identity, session.Context, parse.GetValue(longSide), generation.Route(parse), null, ct))
            {
                results.Add(r);
                if (r.Image is not null) ImageCodec.Save(r.Image, Path.Combine(dir, r.Pose.Id + ".png"));
                if (!quiet) AnsiConsole.MarkupLine($"{Markup.Escape(r.Pose.Id)}: {(r.Image is null ? "[red]failed[/] " + Markup.Escape(r.Failure ?? "") : $"[green]ok[/] identity {r.Winner!.Verdict.Similarity:0.00}, pose {r.Winner.Verdict.PoseMatch?.Score:0.00}")}");
            }
            ImageCodec.Save(PoseGeneration.ContactSheet(results), Path.Combine(dir, "sheet.png"));
            var report = JsonSerializer.Serialize(new
            {
                passed = results.Count(r => r.Image is not null),
                failed = results.Count(r => r.Image is null),
                poses = results.Select(r => new
                {
                    pose = r.Pose.Id, file = r.Image is null ? null : r.Pose.Id + ".png", failure = r.Failure,
                    similarity = r.Winner?.Verdict.Similarity, poseSimilarity = r.Winner?.Verdict.PoseMatch?.Score, attempts = AttemptReport.From(r.Attempts),
                }),
                estimatedUsd = results.SelectMany(r => r.Attempts).Sum(a => a.EstimatedUsd),
            }, ReportJson.Options);
            await File.WriteAllTextAsync(Path.Combine(dir, "poses.json"), report, ct);
            if (quiet) Console.Out.WriteLine(report);
            else GateTable.Print("likeness gate", results.SelectMany(r => r.Attempts.Select(a => (r.Pose.Id, AttemptReport.From(a)))));
            return results.All(r => r.Image is not null) ? 0 : 1;
        });
        return command;
    }

    static List<PoseTemplate> Choose(PoseCatalog catalog, string[] ids, int? count, string? category)
    {
        var chosen = ids.Select(catalog.Get).ToList();
        if (count is { } n) chosen.AddRange(catalog.Take(n, category));
        if (chosen.Count == 0) throw new LikenessException("give --pose ID (repeatable) or --count N; `likeness pose list` shows the poses");
        return chosen;
    }
}
