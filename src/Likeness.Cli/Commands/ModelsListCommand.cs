using System.CommandLine;
using Likeness.Models;
using Spectre.Console;

namespace Likeness.Cli.Commands;

public static class ModelsListCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("list", "Show every known model, its licence, whether it is a default, and where it is.");
        var storeOptions = new ModelStoreCliOptions();
        storeOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var store = storeOptions.CreateStore(parse);
            var table = new Table().AddColumns("name", "capability", "default", "size", "licence", "status");
            foreach (var status in await store.ListAsync(ct))
            {
                var model = status.Model;
                table.AddRow(
                    Markup.Escape(model.Name),
                    Markup.Escape(model.Capability),
                    model.IsDefault ? "[bold]default[/]" : "",
                    ModelText.Size(model.Bytes),
                    ModelText.LicenceMarkup(model),
                    StatusMarkup(status));
            }
            console.Write(table);
            foreach (var model in store.Manifest.Models.Where(m => m.LicenceClass != LicenceClass.Permissive))
                console.MarkupLine($"{ModelText.LicenceMarkup(model)} {Markup.Escape(model.Name)}: {Markup.Escape(model.Licence)}");
            foreach (var model in store.Manifest.Models.Where(m => m.IsDefault && m.LicenceClass == LicenceClass.Unclear && m.Capability == "face-recognition"))
                console.MarkupLine($"[yellow]{Markup.Escape(model.Name)} is the default identity model although its origin is unclear; the alternative is mobilefacenet (`compare --model mobilefacenet`), or bring your own ArcFace-style model.[/]");
            console.MarkupLine($"[grey]cache: {Markup.Escape(store.CacheDirectory)}; mirrors: {Markup.Escape(string.Join(", ", store.MirrorDirectories.DefaultIfEmpty("(none)")))}[/]");
            return 0;
        });
        return command;
    }

    static string StatusMarkup(ModelStatus status) => status switch
    {
        { Problem: not null, Location: not ModelLocation.Missing } => $"[red]{status.Location.ToString().ToLowerInvariant()} (wrong size)[/]",
        { Location: ModelLocation.Cached } => "[green]cached[/]",
        { Location: ModelLocation.Mirror } => "[blue]mirror[/]",
        _ => "[grey]missing[/]",
    };
}
