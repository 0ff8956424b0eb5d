using System.CommandLine;
using System.Text.Json;
using Likeness.Imaging.Codecs;
using Likeness.Pipelines;
using Likeness.Pipelines.Generation;
using Likeness.Pipelines.Lora;
using Likeness.Providers;
using Likeness.Providers.Costs;
using Likeness.Providers.Outputs;
using Spectre.Console;

namespace Likeness.Cli.Commands;

/// <summary>
/// `likeness lora train|panel IDENTITY_DIR`: an identity's LoRA, kept beside its photos in IDENTITY_DIR/lora
/// (v1.safetensors, v2..., lora.json with every version's status, panel-vN/ with the panel images and panel.json).
/// </summary>
public static class LoraCommand
{
    public sealed record LoraVersion(int Version, string Status, string? Reason, string TriggerWord, int Steps, int Photos, string? Provider, string? Model,
        string? SourceUrl, string? File, decimal EstimatedUsd, DateTime Created, PanelReport? Panel = null);

    public static Command Create()
    {
        var command = new Command("lora", "Train the person's LoRA from a folder of their photos and judge it with the five-test panel.");
        command.Subcommands.Add(Train());
        command.Subcommands.Add(Panel());
        return command;
    }

    static string LoraDir(string identity) => Path.Combine(identity, "lora");
    static string Index(string identity) => Path.Combine(LoraDir(identity), "lora.json");

    static List<LoraVersion> Load(string identity) => File.Exists(Index(identity))
        ? JsonSerializer.Deserialize<List<LoraVersion>>(File.ReadAllText(Index(identity)), ReportJson.Options) ?? []
        : [];

    static void Save(string identity, List<LoraVersion> versions)
    {
        Directory.CreateDirectory(LoraDir(identity));
        File.WriteAllText(Index(identity), JsonSerializer.Serialize(versions, ReportJson.Options));
    }

    static List<EncodedImage> Photos(string identity)
    {
        var list = new List<EncodedImage>();
        foreach (var f in InputFiles.Expand([identity]))
        {
            try { list.Add(EncodedImage.FromFile(f)); }
            catch (LikenessException e) { AnsiConsole.MarkupLine($"[yellow]skipped[/] {Markup.Escape(e.Message)}"); }
        }
        return list;
    }

    static Command Train()
    {
        var identity = new Argument<string>("identity") { Description = "Folder of the person's photos (at least 3)." };
        var trigger = new Option<string?>("--trigger") { Description = "Trigger word (default: lk + 6 characters of the folder's hash)." };
        var steps = new Option<int>("--steps") { Description = "Training steps (fal.ai default 1000).", DefaultValueFactory = _ => 1000 };
        var yes = new Option<bool>("--yes") { Description = "Train (paid). Without it the command prints the cost estimate and stops." };
        var engineOptions = new EngineCliOptions();
        var generation = new GenerationCliOptions();
        var command = new Command("train", "Train a LoRA at fal.ai from face-centred crops of the photos; the version is ready only when the weights were downloaded and verified.");
        command.Arguments.Add(identity);
        command.Options.Add(trigger);
        command.Options.Add(steps);
        command.Options.Add(yes);
        engineOptions.AddTo(command);
        generation.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var dir = parse.GetValue(identity)!;
            if (!Directory.Exists(dir)) { Console.Error.WriteLine($"error: {dir} is not a folder of photos"); return 2; }
            var word = parse.GetValue(trigger) ?? "lk" + Pipelines.Sha256.Hex(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(dir)))[..6];
            var photos = Photos(dir);
            var price = new PriceTable(new PriceTableOptions()).For("fal", "fal-ai/flux-lora-fast-training");
            AnsiConsole.MarkupLine($"training set: {photos.Count} photo(s); trigger word [bold]{Markup.Escape(word)}[/]; {parse.GetValue(steps)} steps at fal.ai fal-ai/flux-lora-fast-training, about ${price.UsdPerUnit:0.00}");
            if (photos.Count < TrainingSet.MinPhotos) { Console.Error.WriteLine($"error: training needs at least {TrainingSet.MinPhotos} photos of the person; {dir} has {photos.Count}. Add clear photos from different angles and light."); return 2; }
            if (!parse.GetValue(yes)) { AnsiConsole.MarkupLine("add --yes to train (paid)"); return 0; }
            var (engine, lifetime) = engineOptions.Create(parse);
            using var _ = lifetime;
            if (generation.Create(parse, engine) is not { } session) return 2;

            var versions = Load(dir);
            int version = versions.Select(v => v.Version).DefaultIfEmpty().Max() + 1;
            var set = await TrainingSet.BuildAsync(engine, photos, ct);
            foreach (var s in set.Skipped) AnsiConsole.MarkupLine($"[grey]skipped {Markup.Escape(s)}[/]");
            if (set.Warning is { } warning) AnsiConsole.MarkupLine($"[yellow]warning[/] {Markup.Escape(warning)}");
            var entry = new LoraVersion(version, "training", null, word, parse.GetValue(steps), set.Photos, null, null, null, null, price.UsdPerUnit, DateTime.UtcNow);
            versions.Add(entry);
            Save(dir, versions);
            try
            {
                if (set.Photos < TrainingSet.MinPhotos) throw new LikenessException($"only {set.Photos} photo(s) have a usable face; training needs {TrainingSet.MinPhotos}");
                var request = new GenerationRequest
                {
                    Operation = GenerationOperation.TrainLora, TrainingImagesZipUrl = "data:application/zip;base64," + Convert.ToBase64String(set.Zip),
                    TriggerWord = word, Steps = parse.GetValue(steps), Route = generation.Route(parse),
                };
                var result = await AnsiConsole.Status().StartAsync("training at the provider...", _ => session.Service.RunAsync(request, session.Context, ct));
                if (result.LoraFile is not { } file) throw new LikenessException($"{result.Provider} finished training but returned no weights file");
                await using var stream = await session.Outputs.OpenAsync(file.Key, ct) ?? throw new LikenessException("the downloaded weights vanished");
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, ct);
                if (SafetensorsFile.Problem(buffer.ToArray(), out int tensors) is { } problem) throw new LikenessException($"the weights are not valid safetensors ({problem})");
                var name = $"v{version}.safetensors";
                await File.WriteAllBytesAsync(Path.Combine(LoraDir(dir), name), buffer.ToArray(), ct);
                versions[^1] = entry with { Status = "ready", Provider = result.Provider, Model = result.Model, SourceUrl = file.SourceUrl, File = name, EstimatedUsd = result.EstimatedUsd };
                Save(dir, versions);
                AnsiConsole.MarkupLine($"[green]ready[/] LoRA v{version} ({tensors} tensors, {buffer.Length / 1024} KiB) in {Markup.Escape(Path.Combine(LoraDir(dir), name))}; trigger word {Markup.Escape(word)}");
                return 0;
            }
            catch (LikenessException e)
            {
                versions[^1] = entry with { Status = "failed", Reason = e.Message };
                Save(dir, versions);
                var current = versions.Where(v => v.Status == "ready").MaxBy(v => v.Version);
                Console.Error.WriteLine($"error: training v{version} failed: {e.Message}" + (current is null ? "" : $" (v{current.Version} stays the current LoRA)"));
                return 1;
            }
        });
        return command;
    }

    static Command Panel()
    {
        var identity = new Argument<string>("identity") { Description = "The folder the LoRA was trained from." };
        var version = new Option<int?>("--version") { Description = "LoRA version (default: the newest ready one)." };
        var engineOptions = new EngineCliOptions();
        var generation = new GenerationCliOptions();
        var command = new Command("panel", "Judge a LoRA version with five tests (portrait, full body, profile, lighting, expression), each output gated against the photos.");
        command.Arguments.Add(identity);
        command.Options.Add(version);
        engineOptions.AddTo(command);
        generation.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var dir = parse.GetValue(identity)!;
            var versions = Load(dir);
            var lora = parse.GetValue(version) is { } v ? versions.FirstOrDefault(x => x.Version == v && x.Status == "ready") : versions.Where(x => x.Status == "ready").MaxBy(x => x.Version);
            if (lora?.SourceUrl is null) { Console.Error.WriteLine($"error: no ready LoRA{(parse.GetValue(version) is { } n ? $" v{n}" : "")} in {LoraDir(dir)}: run `likeness lora train {dir} --yes` first"); return 2; }
            var (engine, lifetime) = engineOptions.Create(parse);
            using var _ = lifetime;
            if (generation.Create(parse, engine) is not { } session) return 2;
            ReferenceSet references;
            try { references = await ReferenceSet.BuildAsync(engine, Photos(dir), ct); }
            catch (LikenessException e) { Console.Error.WriteLine($"error: {e.Message}"); return 2; }
            var generator = new GatedGenerator(session.Service, session.Outputs, session.Gate, new GatedGenerationOptions { MaxAttempts = 1 });
            var output = Path.Combine(LoraDir(dir), $"panel-v{lora.Version}");
            Directory.CreateDirectory(output);
            var results = new List<PanelResult>();
            var rows = new List<(string, AttemptReport)>();
            foreach (var test in IdentityPanel.Tests(lora.TriggerWord))
            {
                var request = new GenerationRequest { Operation = GenerationOperation.TextToImage, Prompt = test.Prompt, Loras = [new LoraWeight(lora.SourceUrl, 0.8)], Route = generation.Route(parse) };
                try
                {
                    var outcome = await generator.RunAsync(new GatedRequest($"panel test '{test.Name}'", request, test.Expectation, references.Template), session.Context, null, ct);
                    ImageCodec.Save(outcome.Image, Path.Combine(output, test.Name + ".png"));
                    results.Add(Result(test.Name, outcome.Winner.Verdict));
                    rows.Add((test.Name, AttemptReport.From(outcome.Winner)));
                }
                catch (GenerationFailedException e)
                {
                    results.Add(Result(test.Name, e.Attempts.LastOrDefault()?.Verdict ?? GenerationGate.NoImage(FailureKind.EmptyResponse, e.Message)));
                    rows.AddRange(e.Attempts.Select(a => (test.Name, AttemptReport.From(a))));
                }
            }
            var report = PanelReport.From(lora.Version, results);
            await File.WriteAllTextAsync(Path.Combine(output, "panel.json"), JsonSerializer.Serialize(report, ReportJson.Options), ct);
            var index = versions.FindIndex(x => x.Version == lora.Version);
            versions[index] = versions[index] with { Panel = report };
            Save(dir, versions);
            GateTable.Print($"panel of LoRA v{lora.Version}", rows);
            AnsiConsole.MarkupLine($"{report.Passed} of {report.Total} tests passed; mean identity {report.MeanSimilarity:0.00}; images and panel.json in {Markup.Escape(output)}");
            return report.Passed == report.Total ? 0 : 1;
        });
        return command;
    }

    static PanelResult Result(string test, GateVerdict v) => new(test, v.Passed, v.Summary, v.Similarity is { } s ? Math.Round(s, 3) : null, v.Yaw, v.MeasuredView?.ToString(), v.Faces, null);
}
