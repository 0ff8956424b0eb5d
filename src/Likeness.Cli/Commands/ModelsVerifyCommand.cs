using System.CommandLine;
using Likeness.Models;
using Spectre.Console;

namespace Likeness.Cli.Commands;

public static class ModelsVerifyCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("verify", "Recompute the SHA-256 of models (cached copy, else mirror copy). Without names: every model present plus every default. Exit code 1 on any problem.");
        var names = new Argument<string[]>("name") { Description = "Models to verify.", Arity = ArgumentArity.ZeroOrMore };
        var storeOptions = new ModelStoreCliOptions();
        command.Arguments.Add(names);
        storeOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var store = storeOptions.CreateStore(parse);
            IReadOnlyList<ModelInfo> models;
            try
            {
                var requested = parse.GetValue(names) ?? [];
                models = requested.Length > 0 ? store.Manifest.Select(requested) : await PresentOrDefaultAsync(store, ct);
            }
            catch (ArgumentException e)
            {
                console.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
                return 2;
            }

            var problems = 0;
            foreach (var model in models)
            {
                var status = await store.VerifyAsync(model.Name, progress: null, ct);
                if (status.IsHealthy)
                {
                    console.MarkupLine($"[green]ok[/] {Markup.Escape(model.Name)} [grey]{status.Location.ToString().ToLowerInvariant()} {Markup.Escape(status.Path ?? "")}[/]");
                    continue;
                }
                problems++;
                console.MarkupLine($"[red]{(status.Location == ModelLocation.Missing ? "missing" : "bad")}[/] {Markup.Escape(model.Name)}: {Markup.Escape(status.Problem ?? "")}");
            }
            console.MarkupLine(problems == 0 ? $"{models.Count} model(s) verified." : $"[red]{problems} problem(s)[/] in {models.Count} model(s).");
            return problems == 0 ? 0 : 1;
        });
        return command;
    }

    static async Task<IReadOnlyList<ModelInfo>> PresentOrDefaultAsync(ModelStore store, CancellationToken ct) =>
        (await store.ListAsync(ct))
            .Where(s => s.Location != ModelLocation.Missing || s.Model.IsDefault)
            .Select(s => s.Model)
            .ToList();
}
