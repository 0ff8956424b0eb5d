using System.CommandLine;
using System.Text.Json;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Pipelines;
using Likeness.Pipelines.Generation;
using Likeness.Pipelines.Themes;
using Spectre.Console;

namespace Likeness.Cli.Commands;

/// <summary><c>likeness theme list|masks|apply</c>: hijab styles, accessories, outfits, professions and backgrounds on a photo.</summary>
public static class ThemeCommand
{
    public static Command Create()
    {
        var command = new Command("theme", "Themes (hijab styles, accessories, outfits, professions, backgrounds): list them, inspect a photo's masks offline, or apply one through a provider inpaint with the face kept.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(MasksCommand());
        command.Subcommands.Add(Apply());
        return command;
    }

    static Command List()
    {
        var kind = new Option<string?>("--kind") { Description = $"Only this kind: {string.Join(", ", ThemeCatalog.Kinds)}." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("list", "List the themes: id, kind, the regions they change, the prompt.") { kind, json };
        command.SetAction(parse =>
        {
            var themes = ThemeCatalog.Themes.Where(t => parse.GetValue(kind) is not { } k || t.Kind == k).ToList();
            if (parse.GetValue(json)) { Console.WriteLine(JsonSerializer.Serialize(themes, ReportJson.Options)); return 0; }
            var table = new Table().AddColumns("id", "kind", "regions", "prompt");
            foreach (var t in themes) table.AddRow(Markup.Escape(t.Id), t.Kind, string.Join(", ", t.Regions), Markup.Escape(t.Prompt));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    static Command MasksCommand()
    {
        var photo = new Argument<string>("photo") { Description = "A photo of a person." };
        var theme = new Option<string>("--theme") { Description = "Theme id (`likeness theme list`).", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for mask.png (white = may change), face.png (protected) and one REGION.png per region, plus overlay.png.", Required = true };
        var engineOptions = new EngineCliOptions();
        var command = new Command("masks", "Build a theme's masks on a photo with the local engine (offline), to inspect what a provider would be allowed to change.") { photo, theme, output };
        engineOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var image = EncodedImage.FromFile(parse.GetValue(photo)!).Decode();
                var chosen = ThemeCatalog.Get(parse.GetValue(theme)!);
                var (engine, lifetime) = engineOptions.Create(parse);
                using var _ = lifetime;
                var masks = await new ThemeMasks(engine).BuildAsync(image, chosen, ct);
                Save(parse.GetValue(output)!, image, masks);
                AnsiConsole.MarkupLine($"{Markup.Escape(chosen.Id)}: the mask covers {masks.Coverage:P1} of the photo; written to {Markup.Escape(parse.GetValue(output)!)}");
                return 0;
            }
            catch (Exception e) when (e is LikenessException or IOException or Models.ModelUnavailableException)
            {
                Console.Error.WriteLine($"likeness theme masks: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    static Command Apply()
    {
        var photo = new Argument<string>("photo") { Description = "A photo of a person." };
        var theme = new Option<string>("--theme") { Description = "Theme id (`likeness theme list`).", Required = true };
        var output = new Option<string>("--out") { Description = "The themed photo (.png or .jpg).", Required = true };
        var saveMasks = new Option<string?>("--save-masks") { Description = "Also write the masks to this folder (as `theme masks` does)." };
        var json = new Option<bool>("--json") { Description = "Print the attempts as JSON." };
        var engineOptions = new EngineCliOptions();
        var generation = new GenerationCliOptions();
        var command = new Command("apply", "Apply a theme through a provider inpaint (FAL_KEY, ...): the face is never in the mask; the output must keep the face " +
            "(identity similarity to the input at least 0.8), show one person and actually change the masked region, or it is regenerated. Exit 1 when no attempt passed.")
            { photo, theme, output, saveMasks, json };
        engineOptions.AddTo(command);
        generation.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            RgbaImage image;
            Theme chosen;
            try { (image, chosen) = (EncodedImage.FromFile(parse.GetValue(photo)!).Decode(), ThemeCatalog.Get(parse.GetValue(theme)!)); }
            catch (LikenessException e) { Console.Error.WriteLine($"error: {e.Message}"); return 2; }
            var (engine, lifetime) = engineOptions.Create(parse);
            using var _ = lifetime;
            if (generation.Create(parse, engine) is not { } session) return 2;
            ThemeMaskSet masks;
            try { masks = await new ThemeMasks(engine).BuildAsync(image, chosen, ct); }
            catch (LikenessException e) { Console.Error.WriteLine($"error: {e.Message}"); return 2; }
            if (parse.GetValue(saveMasks) is { } dir) Save(dir, image, masks);
            try
            {
                var result = await new ThemeApplication(engine, session.Generator).ApplyAsync(image, chosen, masks, session.Context, generation.Route(parse), null, ct);
                var file = parse.GetValue(output)!;
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
                ImageCodec.Save(result.Image, file);
                Report(parse.GetValue(json), chosen, result.Outcome.Attempts);
                if (!parse.GetValue(json)) AnsiConsole.MarkupLine($"[green]ok[/] {Markup.Escape(chosen.Name)} applied, face similarity {result.Outcome.Winner.Verdict.Similarity:0.00} → {Markup.Escape(file)}");
                return 0;
            }
            catch (GenerationFailedException e)
            {
                Report(parse.GetValue(json), chosen, e.Attempts);
                Console.Error.WriteLine($"failed: {e.Message}");
                return 1;
            }
            catch (LikenessException e) { Console.Error.WriteLine($"error: {e.Message}"); return 2; }
        });
        return command;
    }

    static void Report(bool json, Theme theme, IReadOnlyList<GenerationAttempt> attempts)
    {
        if (json) Console.WriteLine(JsonSerializer.Serialize(new { theme = theme.Id, attempts = AttemptReport.From(attempts) }, ReportJson.Options));
        else GateTable.Print("theme gate", attempts.Select(a => (theme.Id, AttemptReport.From(a))));
    }

    static void Save(string dir, RgbaImage image, ThemeMaskSet masks)
    {
        Directory.CreateDirectory(dir);
        ImageCodec.Save(ThemeApplication.MaskImage(masks.Combined), Path.Combine(dir, "mask.png"));
        ImageCodec.Save(ThemeApplication.MaskImage(masks.FaceProtection), Path.Combine(dir, "face.png"));
        foreach (var (region, mask) in masks.Regions)
            ImageCodec.Save(ThemeApplication.MaskImage(mask), Path.Combine(dir, JsonNamingPolicy.KebabCaseLower.ConvertName(region.ToString()) + ".png"));
        var overlay = image.Clone();
        var pixels = overlay.Pixels;
        for (int i = 0; i < pixels.Length; i++)
        {
            float m = masks.Combined.Data[i], f = masks.FaceProtection.Data[i];
            var p = pixels[i];
            pixels[i] = new Rgba32((byte)(p.R * (1 - 0.5f * m) + 255 * 0.5f * m), (byte)(p.G * (1 - 0.5f * m - 0.3f * f) + 255 * 0.3f * f), (byte)(p.B * (1 - 0.5f * m)), p.A);
        }
        ImageCodec.Save(overlay, Path.Combine(dir, "overlay.png"));
    }
}
