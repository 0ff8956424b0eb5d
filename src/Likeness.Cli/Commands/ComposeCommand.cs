using System.CommandLine;
using System.Text.Json;
using Likeness.Compositing;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Pipelines;
using Likeness.Pipelines.Compose;
using Spectre.Console;

namespace Likeness.Cli.Commands;

/// <summary>`likeness compose`: put a person into a scene, or replace their background.</summary>
public static class ComposeCommand
{
    public static Command Create()
    {
        var person = new Option<string[]>("--person") { Description = "Person photo(s) or a folder of them (repeatable).", Required = true, AllowMultipleArgumentsPerToken = true };
        var scene = new Option<string?>("--scene") { Description = "Scene (background) image to place the person into." };
        var background = new Option<string?>("--background") { Description = "Without --scene: replace the person photo's background with #RRGGBB or an image." };
        var output = new Option<string?>("--out") { Description = "Output file (.png/.jpg/.webp) for one person, or a folder for several (default: out/<person>-composite.png)." };
        var placement = new Option<string>("--placement") { Description = "auto, or x,y,scale[,rotation] normalised to the scene.", DefaultValueFactory = _ => "auto" };
        var faceWidth = new Option<double>("--face-width") { Description = "Face width as a fraction of the output width (auto placement).", DefaultValueFactory = _ => 0.20 };
        var anchor = new Option<HorizontalAnchor>("--anchor") { Description = "Horizontal anchor for auto placement: auto, left, center, right.", DefaultValueFactory = _ => HorizontalAnchor.Auto };
        var harmonize = new Option<float>("--harmonize") { Description = "Colour harmonisation strength 0..1.", DefaultValueFactory = _ => 0.5f };
        var shadow = new Option<float>("--shadow") { Description = "Shadow opacity 0..1 (0 = none).", DefaultValueFactory = _ => 0.45f };
        var shadowDir = new Option<float>("--shadow-direction") { Description = "Shadow direction in degrees clockwise from +x (90 = down).", DefaultValueFactory = _ => 60f };
        var shadowSoft = new Option<float>("--shadow-softness") { Description = "Shadow blur as a fraction of the person's height.", DefaultValueFactory = _ => 0.025f };
        var export = new Option<string?>("--export") { Description = $"Export preset: {string.Join(", ", ExportPresets.All.Keys)} (cover-fit around the face)." };
        var matting = new Option<string>("--matting") { Description = "quality (ISNet, AGPL) or fast (selfie segmentation).", DefaultValueFactory = _ => "quality" };
        var mode = new Option<ComposeMode>("--mode") { Description = "paste (default) or mask (also write the placement mask and an inpainting prompt).", DefaultValueFactory = _ => ComposeMode.Paste };
        var report = new Option<string?>("--report") { Description = "Write a JSON report (one person) or a folder of reports." };
        var quality = new Option<int?>("--quality") { Description = "JPEG/WebP quality 1..100." };
        var engineOptions = new EngineCliOptions();

        var command = new Command("compose", "Put a person into a scene (or replace their background), harmonised, with a shadow, identity-checked.");
        foreach (var o in new Option[] { person, scene, background, output, placement, faceWidth, anchor, harmonize, shadow, shadowDir, shadowSoft, export, matting, mode, report, quality })
            command.Options.Add(o);
        engineOptions.AddTo(command);

        command.SetAction(async (parse, ct) =>
        {
            var sceneArg = parse.GetValue(scene);
            var bgArg = parse.GetValue(background);
            if ((sceneArg is null) == (bgArg is null))
                return Fail("give exactly one of --scene IMAGE or --background '#RRGGBB'|IMAGE");
            var people = InputFiles.Expand(parse.GetValue(person) ?? []);
            if (people.Count == 0) return Fail("--person found no JPEG/PNG/WebP files");

            ComposeOptions options;
            EncodedImage? sceneImage = null;
            BackgroundSpec? bg = null;
            try
            {
                var placementText = parse.GetValue(placement)!;
                options = new ComposeOptions
                {
                    Matting = parse.GetValue(matting)!,
                    Position = placementText.Equals("auto", StringComparison.OrdinalIgnoreCase) ? null : PersonPosition.Parse(placementText),
                    Placement = new PlacementOptions { FaceWidthFraction = Math.Clamp(parse.GetValue(faceWidth), 0.02, 0.9), Anchor = parse.GetValue(anchor) },
                    Composite = new CompositeOptions
                    {
                        Harmonize = Math.Clamp(parse.GetValue(harmonize), 0, 1),
                        Shadow = new ShadowOptions
                        {
                            Enabled = parse.GetValue(shadow) > 0, Opacity = Math.Clamp(parse.GetValue(shadow), 0, 1),
                            DirectionDegrees = parse.GetValue(shadowDir), Softness = Math.Max(0, parse.GetValue(shadowSoft)),
                        },
                    },
                    Export = parse.GetValue(export) is { } e ? ValidPreset(e) : null,
                    Mode = parse.GetValue(mode),
                };
                if (sceneArg is not null) sceneImage = EncodedImage.FromFile(sceneArg);
                if (bgArg is not null) bg = BackgroundSpec.Parse(bgArg, p => ImageCodec.Load(p));
            }
            catch (LikenessException e) { return Fail(e.Message); }

            var (engine, lifetime) = engineOptions.Create(parse);
            using var _ = lifetime;
            var pipeline = new ComposePipeline(engine);
            var outArg = parse.GetValue(output);
            bool many = people.Count > 1;
            int failures = 0;
            var summary = new List<string>();
            await AnsiConsole.Progress().AutoClear(false).StartAsync(async ctx =>
            {
                foreach (var file in people)
                {
                    var task = ctx.AddTask(Markup.Escape(Path.GetFileName(file)), maxValue: 1);
                    try
                    {
                        var progress = new InlineProgress<PipelineProgress>(p => { task.Value = p.Fraction; task.Description = Markup.Escape($"{Path.GetFileName(file)}: {p.Stage}"); });
                        var result = await pipeline.ComposeAsync(EncodedImage.FromFile(file), sceneImage, bg, options, progress, ct);
                        var path = OutputPath(outArg, file, many);
                        Write(result, path, parse.GetValue(quality), parse.GetValue(report), many, file);
                        task.Value = 1;
                        task.Description = Markup.Escape($"{Path.GetFileName(file)} -> {path}");
                        var r = result.Report;
                        summary.Add($"[green]wrote[/] {Markup.Escape(path)} ({r.Width}x{r.Height}; face {r.FaceWidthFraction:P0} of width; identity {(r.IdentitySimilarity is { } sim ? $"{sim:0.00} vs threshold {r.IdentityThreshold:0.00}" : "not checked")})");
                        foreach (var w in r.Warnings) summary.Add($"[yellow]warning[/] {Markup.Escape(w)}");
                    }
                    catch (LikenessException e)
                    {
                        failures++;
                        task.Description = $"[red]{Markup.Escape(Path.GetFileName(file))}: failed[/]";
                        summary.Add($"[red]error[/] {Markup.Escape(e.Message)}");
                    }
                }
            });
            foreach (var line in summary) AnsiConsole.MarkupLine(line);
            return failures == 0 ? 0 : failures == people.Count ? 2 : 1;
        });
        return command;
    }

    static string ValidPreset(string name)
    {
        ExportPresets.Get(name);
        return name;
    }

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
