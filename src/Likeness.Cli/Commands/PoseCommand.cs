using System.CommandLine;
using System.Text.Json;
using Likeness.Imaging.Codecs;
using Likeness.Pipelines;
using Likeness.Vision.Pose.Templates;
using Spectre.Console;

namespace Likeness.Cli.Commands;

/// <summary><c>likeness pose list|show|render|compare|extract</c>: the pose library and control images.</summary>
public static class PoseCommand
{
    public const int Ok = 0, Failed = 1, Error = 2;

    public static Command Create()
    {
        var command = new Command("pose", "The pose library: list and show poses, render OpenPose control images, compare poses, extract new poses from photos.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Render());
        command.Subcommands.Add(Compare());
        command.Subcommands.Add(PoseExtractCommand.Create());
        return command;
    }

    internal static Option<string?> CatalogOption() => new("--catalog")
    {
        Description = "A pose catalogue JSON file (as written by `likeness pose extract --out`); default: the bundled catalogue.",
    };

    internal static PoseCatalog LoadCatalog(ParseResult parse, Option<string?> catalog) =>
        parse.GetValue(catalog) is { Length: > 0 } path ? PoseCatalog.Load(path) : PoseCatalog.Bundled;

    static Command List()
    {
        var catalog = CatalogOption();
        var category = new Option<string?>("--category") { Description = $"Only this category: {string.Join(", ", PoseCatalog.Categories)}." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("list", "List the poses: id, category, difficulty, framing, aspect, tags.") { catalog, category, json };
        command.SetAction(parse => Guard(() =>
        {
            var poses = LoadCatalog(parse, catalog).Poses.Where(p => parse.GetValue(category) is not { } c || p.Category == c).ToList();
            if (parse.GetValue(json)) { Console.WriteLine(JsonSerializer.Serialize(poses.Select(Summary), ReportJson.Options)); return Ok; }
            var table = new Table().AddColumns("id", "category", "difficulty", "framing", "aspect", "tags");
            foreach (var p in poses)
                table.AddRow(Markup.Escape(p.Id), p.Category, p.Difficulty.ToString().ToLowerInvariant(), p.Framing.ToString(), $"{p.Aspect:0.00}", Markup.Escape(string.Join(", ", p.Tags)));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"{poses.Count} pose(s); each also exists mirrored as ID-mirrored.");
            return Ok;
        }));
        return command;
    }

    static Command Show()
    {
        var catalog = CatalogOption();
        var id = new Argument<string>("id") { Description = "Pose id (ID-mirrored for its mirror image)." };
        var command = new Command("show", "Show one pose as JSON: attributes, source and its 18 keypoints (x, y on the pose canvas, 0..1).") { id, catalog };
        command.SetAction(parse => Guard(() =>
        {
            var pose = LoadCatalog(parse, catalog).Get(parse.GetValue(id)!);
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                pose.Id, pose.Name, pose.Category, Difficulty = pose.Difficulty.ToString().ToLowerInvariant(), Framing = pose.Framing.ToString(),
                pose.Aspect, pose.Tags, pose.Source,
                Keypoints = pose.Keypoints.Select((k, i) => new { Name = Vision.Pose.OpenPose18.Names[i], X = k?.X, Y = k?.Y }),
            }, ReportJson.Options));
            return Ok;
        }));
        return command;
    }

    static Command Render()
    {
        var catalog = CatalogOption();
        var ids = new Argument<string[]>("ids") { Description = "Pose ids (ID-mirrored for the mirror image), or 'all'.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "A .png for one pose, or a folder (one ID.png per pose).", Required = true };
        var size = new Option<string?>("--size") { Description = "WIDTHxHEIGHT (the pose is letterboxed into it). Default: 1024 on the long side at the pose's own aspect." };
        var longSide = new Option<int>("--long-side") { Description = "Long side in pixels when --size is not given.", DefaultValueFactory = _ => 1024 };
        var mirror = new Option<bool>("--mirror") { Description = "Render the mirrored pose (left and right limbs swapped, not just the picture flipped)." };
        var sheet = new Option<string?>("--sheet") { Description = "Also write an overview sheet (.png) of the rendered poses, labelled with their ids." };
        var command = new Command("render", "Render poses as OpenPose control images (ControlNet colour convention) at any size and aspect.") { ids, output, size, longSide, mirror, sheet, catalog };
        command.SetAction(parse => Guard(() =>
        {
            var library = LoadCatalog(parse, catalog);
            var wanted = parse.GetValue(ids)!;
            var poses = wanted is ["all"] ? library.Poses.ToList() : wanted.Select(library.Get).ToList();
            var target = parse.GetValue(output)!;
            bool single = poses.Count == 1 && Path.GetExtension(target).Equals(".png", StringComparison.OrdinalIgnoreCase);
            var tiles = new List<(string, Imaging.RgbaImage)>();
            foreach (var original in poses)
            {
                var pose = parse.GetValue(mirror) ? original.Mirrored() : original;
                var (w, h) = parse.GetValue(size) is { } s ? ParseSize(s) : PoseControlImage.SizeFor(pose, parse.GetValue(longSide));
                var file = single ? target : Path.Combine(target, pose.Id + ".png");
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
                var image = PoseControlImage.Render(pose, w, h);
                ImageCodec.Save(image, file);
                tiles.Add((pose.Id, image));
                AnsiConsole.MarkupLine($"{Markup.Escape(pose.Id)}: {w}x{h} → {Markup.Escape(file)}");
            }
            if (parse.GetValue(sheet) is { } sheetFile)
            {
                ImageCodec.Save(Imaging.Drawing.LabelledGrid.Build(tiles, 200, 8), sheetFile);
                AnsiConsole.MarkupLine($"sheet → {Markup.Escape(sheetFile)}");
            }
            return Ok;
        }));
        return command;
    }

    static Command Compare()
    {
        var catalog = CatalogOption();
        var a = new Argument<string>("reference") { Description = "Pose id." };
        var b = new Argument<string>("candidate") { Description = "Pose id." };
        var command = new Command("compare", "Pose similarity (OKS-style, scale and position invariant, 0..1) of two poses, and whether one is the other's mirror image.") { a, b, catalog };
        command.SetAction(parse => Guard(() =>
        {
            var library = LoadCatalog(parse, catalog);
            var (reference, candidate) = (library.Get(parse.GetValue(a)!), library.Get(parse.GetValue(b)!));
            float score = PoseSimilarity.Score(reference, candidate), mirrored = PoseSimilarity.Score(reference.Mirrored(), candidate);
            AnsiConsole.MarkupLine($"similarity {score:0.000} (to the mirror image {mirrored:0.000}){(PoseSimilarity.IsMirrored(reference, candidate) ? ": the candidate is the MIRROR image" : "")}");
            return Ok;
        }));
        return command;
    }

    static (int, int) ParseSize(string s)
    {
        var parts = s.ToLowerInvariant().Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], out int w) && int.TryParse(parts[1], out int h)) return (w, h);
        throw new LikenessException($"--size '{s}' is not WIDTHxHEIGHT (e.g. 768x1024)");
    }

    static object Summary(PoseTemplate p) => new
    {
        p.Id, p.Name, p.Category, Difficulty = p.Difficulty.ToString().ToLowerInvariant(), Framing = p.Framing.ToString(), p.Aspect, p.Tags,
        Visible = p.VisibleCount,
    };

    internal static int Guard(Func<int> action)
    {
        try { return action(); }
        catch (Exception e) when (e is LikenessException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"likeness pose: {e.Message}");
            return Error;
        }
    }
}
