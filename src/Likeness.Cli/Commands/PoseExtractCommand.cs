using System.CommandLine;
using System.Text.Json;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Drawing;
using Likeness.Imaging.Transforms;
using Likeness.Pipelines;
using Likeness.Pipelines.Poses;
using Likeness.Vision.Pose;
using Likeness.Vision.Pose.Templates;
using Spectre.Console;

namespace Likeness.Cli.Commands;

/// <summary><c>likeness pose extract PHOTO...</c>: real photos into pose templates, added to a catalogue file.</summary>
public static class PoseExtractCommand
{
    public static Command Create()
    {
        var photos = new Argument<string[]>("photos") { Description = "Photos or folders.", Arity = ArgumentArity.OneOrMore };
        var id = new Option<string?>("--id") { Description = "Template id (one photo only); default: the file name. With several people -2, -3... are appended." };
        var name = new Option<string?>("--name") { Description = "Display name (one photo only)." };
        var category = new Option<string>("--category") { Description = $"Category: {string.Join(", ", PoseCatalog.Categories)}.", DefaultValueFactory = _ => "standing" };
        var tags = new Option<string?>("--tags") { Description = "Comma-separated tags." };
        var box = new Option<string?>("--box") { Description = "The person's region X,Y,W,H in pixels (for people without a visible face, or to pick one)." };
        var person = new Option<int?>("--person") { Description = "Which person, by face size (1 = the largest face)." };
        var all = new Option<bool>("--all") { Description = "Every person in the photo whose face is at least 40 % as wide as the largest." };
        var model = new Option<string?>("--model") { Description = $"Pose model: {string.Join(", ", PoseEstimators.Names)} (default: movenet-thunder, else the most precise one available)." };
        var minScore = new Option<float>("--min-score") { Description = "Joints scored below this are left out of the template.", DefaultValueFactory = _ => PoseTemplates.DefaultMinScore };
        var output = new Option<string?>("--out") { Description = "Catalogue JSON to add the templates to (created if missing; same ids are replaced)." };
        var draw = new Option<string?>("--draw") { Description = "Folder for ID-photo.png (skeleton on the photo) and ID-control.png (control image)." };
        var json = new Option<bool>("--json") { Description = "Print the templates as JSON." };
        var engineOptions = new EngineCliOptions();
        var command = new Command("extract", "Turn real photos into pose templates (OpenPose-18 keypoints on a canvas around the person, framing, difficulty); exit 1 when a photo gave no usable pose.")
            { photos, id, name, category, tags, box, person, all, model, minScore, output, draw, json };
        engineOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var files = InputFiles.Expand(parse.GetValue(photos) ?? []);
                if (files.Count > 1 && (parse.GetValue(id) is not null || parse.GetValue(name) is not null || parse.GetValue(box) is not null))
                    throw new LikenessException("--id, --name and --box apply to one photo; run extract once per photo for those");
                if (!PoseCatalog.Categories.Contains(parse.GetValue(category)!))
                    throw new LikenessException($"unknown category '{parse.GetValue(category)}'; use one of: {string.Join(", ", PoseCatalog.Categories)}");
                var (engine, lifetime) = engineOptions.Create(parse);
                using var _ = lifetime;
                var estimator = parse.GetValue(model) is { } named ? PoseEstimators.Create(engine.Sessions, named)
                    : await PoseEstimators.MostPreciseAsync(engine.Sessions, StderrLoggerFactory.Instance.CreateLogger("pose"), ct);
                var extraction = new PoseExtraction(engine, estimator);
                var templates = new List<PoseTemplate>();
                var drawings = new List<(string, RgbaImage)>();
                int failed = 0;
                foreach (var file in files)
                {
                    var image = EncodedImage.FromFile(file).Decode();
                    var request = new PoseExtractionRequest
                    {
                        Id = parse.GetValue(id) ?? IdFrom(file), Name = parse.GetValue(name), Category = parse.GetValue(category)!,
                        Tags = (parse.GetValue(tags) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                        Box = parse.GetValue(box) is { } b ? ParseBox(b) : null, Person = parse.GetValue(person), All = parse.GetValue(all),
                        MinScore = parse.GetValue(minScore), SourcePhoto = Path.GetFileName(file),
                    };
                    var results = await extraction.ExtractAsync(image, request, ct);
                    foreach (var r in results)
                    {
                        if (r.Template is null)
                        {
                            failed++;
                            AnsiConsole.MarkupLine($"[red]{Markup.Escape(file)} person {r.Person}[/]: {Markup.Escape(r.Problem!)}");
                            continue;
                        }
                        templates.Add(r.Template);
                        if (!parse.GetValue(json))
                            AnsiConsole.MarkupLine($"{Markup.Escape(file)} person {r.Person} → [bold]{Markup.Escape(r.Template.Id)}[/]: {r.Template.VisibleCount}/18 joints, " +
                                $"{r.Template.Framing}, {r.Template.Difficulty.ToString().ToLowerInvariant()}, aspect {r.Template.Aspect:0.00}, region {r.Region}");
                        if (parse.GetValue(draw) is { } folder) drawings.AddRange(Draw(folder, image, r));
                    }
                    if (results.Count == 0) failed++;
                }
                if (parse.GetValue(draw) is { } sheetFolder && drawings.Count > 0)
                    ImageCodec.Save(LabelledGrid.Build(drawings, 256, 8), Path.Combine(sheetFolder, "sheet.png"));
                if (parse.GetValue(output) is { } path && templates.Count > 0)
                {
                    var catalog = File.Exists(path) ? PoseCatalog.Load(path) : new PoseCatalog([]);
                    catalog.With(templates).Save(path);
                    AnsiConsole.MarkupLine($"{templates.Count} template(s) written to {Markup.Escape(path)}");
                }
                if (parse.GetValue(json)) Console.WriteLine(new PoseCatalog(templates).ToJson());
                return failed == 0 ? PoseCommand.Ok : PoseCommand.Failed;
            }
            catch (Exception e) when (e is LikenessException or IOException or ArgumentException or Models.ModelUnavailableException)
            {
                Console.Error.WriteLine($"likeness pose extract: {e.Message}");
                return PoseCommand.Error;
            }
        });
        return command;
    }

    /// <summary>Writes ID-photo.png and ID-control.png; returns the person's region with its skeleton and the control image, for the sheet.</summary>
    static IEnumerable<(string, RgbaImage)> Draw(string folder, RgbaImage image, ExtractedPose result)
    {
        Directory.CreateDirectory(folder);
        var overlay = image.Clone();
        PoseDrawing.Draw(overlay, result.Pose);
        var person = overlay.Crop(result.Region);
        overlay.DrawRectangle(result.Region, new Rgba32(255, 255, 255), Math.Max(1, image.Width / 300));
        ImageCodec.Save(overlay, Path.Combine(folder, result.Template!.Id + "-photo.png"));
        var (w, h) = PoseControlImage.SizeFor(result.Template, 512);
        var control = PoseControlImage.Render(result.Template, w, h);
        ImageCodec.Save(control, Path.Combine(folder, result.Template.Id + "-control.png"));
        return [(result.Template.Id, person), ($"{result.Template.Difficulty.ToString().ToLowerInvariant()}", control)];
    }

    static string IdFrom(string file)
    {
        var stem = Path.GetFileNameWithoutExtension(file).ToLowerInvariant();
        var id = new string(stem.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        while (id.Contains("--")) id = id.Replace("--", "-");
        return id.Length > 0 ? id : "pose";
    }

    static Rect ParseBox(string s)
    {
        var parts = s.Split(',');
        if (parts.Length == 4 && parts.All(p => int.TryParse(p, out _)))
        {
            var v = parts.Select(int.Parse).ToArray();
            if (v[2] > 0 && v[3] > 0) return new Rect(v[0], v[1], v[2], v[3]);
        }
        throw new LikenessException($"--box '{s}' is not X,Y,W,H in pixels (e.g. 120,40,300,700)");
    }
}
