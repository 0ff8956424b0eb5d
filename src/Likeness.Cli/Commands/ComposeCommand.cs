using System.CommandLine;
using System.Text.Json;
using Likeness.Compositing;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Pipelines;
using Likeness.Inference;
using Likeness.Pipelines.Generation;
using Likeness.Pipelines.Compose;
using Spectre.Console;

namespace Likeness.Cli.Commands;

/// <summary>`likeness compose`: put a person into a scene, or replace their background.</summary>
public static class ComposeCommand
{
    /// <summary>The command's options. Value options have no default here: unset ones come from <see cref="ComposeDefaults"/>
    /// through <see cref="ComposeRequest"/>, the validation the server's compose job uses too.</summary>
    sealed class Flags
    {
        public readonly Option<string[]> Person = new("--person") { Description = "Person photo(s) or a folder of them (repeatable).", Required = true, AllowMultipleArgumentsPerToken = true };
        public readonly Option<string?> Scene = new("--scene") { Description = "Scene (background) image to place the person into." };
        public readonly Option<string?> Background = new("--background") { Description = "Without --scene: replace the person photo's background with #RRGGBB or an image." };
        public readonly Option<string?> Output = new("--out") { Description = "Output file (.png/.jpg/.webp) for one person, or a folder for several (default: out/<person>-composite.png)." };
        public readonly Option<string?> Placement = new("--placement") { Description = "auto (default), or x,y,scale[,rotation] normalised to the scene." };
        public readonly Option<double?> FaceWidth = new("--face-width") { Description = $"Face width as a fraction of the output width (auto placement; default {ComposeDefaults.FaceWidth})." };
        public readonly Option<HorizontalAnchor?> Anchor = new("--anchor") { Description = "Horizontal anchor for auto placement: auto (default), left, center, right." };
        public readonly Option<float?> Harmonize = new("--harmonize") { Description = $"Colour harmonisation strength 0..1 (default {ComposeDefaults.Harmonize})." };
        public readonly Option<float?> Shadow = new("--shadow") { Description = $"Shadow opacity 0..1, 0 = none (default {ComposeDefaults.Shadow})." };
        public readonly Option<float?> ShadowDirection = new("--shadow-direction") { Description = $"Shadow direction in degrees clockwise from +x, 90 = down (default {ComposeDefaults.ShadowDirection})." };
        public readonly Option<float?> ShadowSoftness = new("--shadow-softness") { Description = $"Shadow blur as a fraction of the person's height (default {ComposeDefaults.ShadowSoftness})." };
        public readonly Option<string?> Export = new("--export") { Description = $"Export preset: {string.Join(", ", ExportPresets.All.Keys)} (cover-fit around the face)." };
        public readonly Option<string?> Matting = new("--matting") { Description = $"quality (ISNet, AGPL; default) or fast (selfie segmentation); the other one is tried when the matte is not opaque on the person." };
        public readonly Option<ComposeMode?> Mode = new("--mode") { Description = "paste (default) or mask (also write the placement mask and an inpainting prompt)." };
        public readonly Option<bool> AllowCrop = new("--allow-crop") { Description = "Place close face crops (head or shoulders cut off) as they are, with a warning, instead of refusing them." };
        public readonly Option<string> ExtendCrops = new("--extend-crops") { Description = "auto (default): when a provider key is configured, extend close face crops to head and shoulders through it (gated: same person, same head angle; paid); never: refuse them.", DefaultValueFactory = _ => "auto" };
        public readonly Option<bool> Force = new("--force") { Description = "Write a composite even when the person in it cannot be verified (face not found or identity below the threshold)." };
        public readonly Option<string?> Report = new("--report") { Description = "Write a JSON report (one person) or a folder of reports." };
        public readonly Option<int?> Quality = new("--quality") { Description = "JPEG/WebP quality 1..100." };

        public IEnumerable<Option> All => [Person, Scene, Background, Output, Placement, FaceWidth, Anchor, Harmonize, Shadow, ShadowDirection, ShadowSoftness, Export, Matting, Mode, AllowCrop, ExtendCrops, Force, Report, Quality];

        public ComposeRequest Request(ParseResult parse) => new()
        {
            Matting = parse.GetValue(Matting),
            Placement = parse.GetValue(Placement),
            FaceWidth = parse.GetValue(FaceWidth),
            Anchor = parse.GetValue(Anchor),
            Harmonize = parse.GetValue(Harmonize),
            Shadow = parse.GetValue(Shadow),
            ShadowDirection = parse.GetValue(ShadowDirection),
            ShadowSoftness = parse.GetValue(ShadowSoftness),
            Export = parse.GetValue(Export),
            Mode = parse.GetValue(Mode),
            AllowCrop = parse.GetValue(AllowCrop),
            Force = parse.GetValue(Force),
        };
    }

    /// <summary>What one batch composes onto, validated before any model loads.</summary>
    sealed record Batch(IReadOnlyList<string> People, ComposeOptions Options, EncodedImage? Scene, BackgroundSpec? Background);

    public static Command Create()
    {
        var flags = new Flags();
        var engineOptions = new EngineCliOptions();
        var generation = new GenerationCliOptions();
        var command = new Command("compose", "Put a person into a scene (or replace their background), harmonised, with a shadow, identity-checked.");
        foreach (var o in flags.All) command.Options.Add(o);
        engineOptions.AddTo(command);
        generation.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            Batch batch;
            try { batch = Prepare(flags, parse); }
            catch (LikenessException e) { return Fail(e.Message); }
            var extend = parse.GetValue(flags.ExtendCrops)!.Trim().ToLowerInvariant();
            if (extend is not ("auto" or "never")) return Fail($"--extend-crops '{extend}' is not known: use auto or never");
            var (engine, lifetime) = engineOptions.Create(parse, InferenceFor(batch));
            using var _ = lifetime;
            ICloseCropExtender? extender = null;
            if (extend == "auto" && !batch.Options.AllowCrop && generation.Create(parse, engine, required: false) is { } session)
                extender = new ProviderCropExtender(engine, session.Generator, session.Gate, session.Context, generation.Route(parse));
            return await RunAsync(new ComposePipeline(engine, extender), batch, flags, parse, ct);
        });
        return command;
    }

    /// <summary>One photo runs ISNet once: what speeds up later runs only costs memory (see PreferMemory).</summary>
    static InferenceOptions InferenceFor(Batch batch) =>
        batch.People.Count == 1 ? new InferenceOptions().PreferMemory(InferenceOptions.MemoryHungryModels) : new InferenceOptions();

    static Batch Prepare(Flags flags, ParseResult parse)
    {
        var sceneArg = parse.GetValue(flags.Scene);
        var bgArg = parse.GetValue(flags.Background);
        if ((sceneArg is null) == (bgArg is null))
            throw new LikenessException("give exactly one of --scene IMAGE or --background '#RRGGBB'|IMAGE");
        var people = InputFiles.Expand(parse.GetValue(flags.Person) ?? []);
        if (people.Count == 0) throw new LikenessException("--person found no JPEG/PNG/WebP files");
        var options = flags.Request(parse).ToOptions();
        var scene = sceneArg is null ? null : EncodedImage.FromFile(sceneArg);
        var background = bgArg is null ? null : BackgroundSpec.Parse(bgArg, p => ImageCodec.Load(p));
        return new Batch(people, options, scene, background);
    }

    /// <summary>Composes every person; a refused or failed input is reported and the batch goes on.
    /// Exit code 0 when all were written, 1 when some failed, 2 when none was written.</summary>
    static async Task<int> RunAsync(ComposePipeline pipeline, Batch batch, Flags flags, ParseResult parse, CancellationToken ct)
    {
        var outArg = parse.GetValue(flags.Output);
        bool many = batch.People.Count > 1;
        int failures = 0;
        var summary = new List<string>();
        await AnsiConsole.Progress().AutoClear(false).StartAsync(async ctx =>
        {
            foreach (var file in batch.People)
            {
                var name = Path.GetFileName(file);
                var task = ctx.AddTask(Markup.Escape(name), maxValue: 1);
                try
                {
                    var progress = new InlineProgress<PipelineProgress>(p => { task.Value = p.Fraction; task.Description = Markup.Escape($"{name}: {p.Stage}"); });
                    var result = await pipeline.ComposeAsync(EncodedImage.FromFile(file), batch.Scene, batch.Background, batch.Options, progress, ct);
                    var path = OutputPath(outArg, file, many);
                    Write(result, path, parse.GetValue(flags.Quality), parse.GetValue(flags.Report), many, file);
                    task.Value = 1;
                    task.Description = Markup.Escape($"{name} -> {path}");
                    summary.Add(WrittenLine(path, result.Report));
                    foreach (var w in result.Report.Warnings) summary.Add($"[yellow]warning[/] {Markup.Escape(w)}");
                }
                catch (LikenessException e)
                {
                    failures++;
                    task.Description = $"[red]{Markup.Escape(name)}: not written[/]";
                    summary.Add($"[red]error[/] {Markup.Escape(e.Message.StartsWith(name, StringComparison.Ordinal) ? e.Message : $"{name}: {e.Message}")}");
                }
            }
        });
        foreach (var line in summary) AnsiConsole.MarkupLine(line);
        if (many) AnsiConsole.MarkupLine($"{batch.People.Count - failures} of {batch.People.Count} written{(failures > 0 ? $"; {failures} not written (see the errors above)" : "")}");
        return failures == 0 ? 0 : failures == batch.People.Count ? 2 : 1;
    }

    static string WrittenLine(string path, ComposeReport r) =>
        $"[green]wrote[/] {Markup.Escape(path)} ({r.Width}x{r.Height}; {r.Framing ?? "framing unknown"}; face {r.FaceWidthFraction:P0} of width; " +
        $"identity {(r.IdentitySimilarity is { } sim ? $"{sim:0.00} vs threshold {r.IdentityThreshold:0.00}" : "not checked")}; matting {Markup.Escape(r.MattingModel)})";

    static int Fail(string message)
    {
        AnsiConsole.MarkupLine($"[red]error[/] {Markup.Escape(message)}");
        return 2;
    }

    static string OutputPath(string? outArg, string personFile, bool many)
    {
        var stem = Path.GetFileNameWithoutExtension(personFile) + "-composite";
        if (outArg is null) return Path.Combine("out", stem + ".png");
        if (many || Directory.Exists(outArg) || outArg.EndsWith('/')) return Path.Combine(outArg, stem + ".png");
        return outArg;
    }

    static void Write(ComposeResult result, string path, int? quality, string? reportArg, bool many, string personFile)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var format = ImageFormats.FromExtension(path) ?? throw new LikenessException($"{path}: the output must end in .png, .jpg or .webp");
        ImageCodec.Save(result.Image, path, new EncodeOptions { Quality = quality, Metadata = result.Provenance.ToMetadata(format) });
        if (result.Prompt is not null)
        {
            var stem = Path.Combine(dir, Path.GetFileNameWithoutExtension(path));
            var mask = new RgbaImage(result.PersonMask.Width, result.PersonMask.Height);
            for (int i = 0; i < result.PersonMask.Data.Length; i++)
            {
                byte v = (byte)Math.Clamp(result.PersonMask.Data[i] * 255 + 0.5f, 0, 255);
                mask.Data[i * 4] = mask.Data[i * 4 + 1] = mask.Data[i * 4 + 2] = v;
                mask.Data[i * 4 + 3] = 255;
            }
            ImageCodec.Save(mask, stem + "-mask.png", new EncodeOptions { Metadata = result.Provenance.ToMetadata(ImageFormat.Png) });
            File.WriteAllText(stem + "-prompt.txt", result.Prompt + Environment.NewLine);
        }
        if (reportArg is not null)
        {
            var reportPath = many || Directory.Exists(reportArg)
                ? Path.Combine(reportArg, Path.GetFileNameWithoutExtension(personFile) + "-report.json")
                : reportArg;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(reportPath))!);
            File.WriteAllText(reportPath, JsonSerializer.Serialize(result.Report, ReportJson.Options));
        }
    }
}

internal static class ReportJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };
}
