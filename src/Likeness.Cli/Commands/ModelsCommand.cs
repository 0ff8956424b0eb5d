using System.CommandLine;
using Likeness.Models;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Likeness.Cli.Commands;

/// <summary><c>likeness models list|fetch|verify</c>: thin wiring over <see cref="ModelStore"/>.</summary>
public static class ModelsCommand
{
    public static Command Create(IAnsiConsole? console = null)
    {
        var output = console ?? AnsiConsole.Console;
        var command = new Command("models", "List, fetch and verify the ONNX models Likeness runs.");
        command.Subcommands.Add(ModelsListCommand.Create(output));
        command.Subcommands.Add(ModelsFetchCommand.Create(output));
        command.Subcommands.Add(ModelsVerifyCommand.Create(output));
        return command;
    }
}

/// <summary>The <c>--cache</c> and <c>--mirror</c> options every models subcommand takes.</summary>
internal sealed class ModelStoreCliOptions
{
    readonly Option<string?> cache = new("--cache")
    {
        Description = "Model cache folder (default: $XDG_CACHE_HOME/likeness/models or ~/.cache/likeness/models).",
    };

    readonly Option<string[]> mirror = new("--mirror")
    {
        Description = $"Folder laid out like the manifest's file paths, checked before downloading; repeatable. {ModelStoreOptions.MirrorEnvironmentVariable} adds more.",
        AllowMultipleArgumentsPerToken = false,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(cache);
        command.Options.Add(mirror);
    }

    public ModelStore CreateStore(ParseResult parse)
    {
        var options = new ModelStoreOptions();
        if (parse.GetValue(cache) is { Length: > 0 } folder) options.CacheDirectory = folder;
        options.MirrorDirectories.AddRange(parse.GetValue(mirror) ?? []);
        return new ModelStore(Options.Create(options), logger: new Microsoft.Extensions.Logging.Logger<ModelStore>(StderrLoggerFactory.Instance));
    }
}

/// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

internal static class ModelText
{
    public static string LicenceMarkup(ModelInfo model) => model.LicenceClass switch
    {
        LicenceClass.NonCommercial => "[red]noncommercial[/]",
        LicenceClass.Agpl => "[yellow]AGPL-3.0[/]",
        LicenceClass.Unclear => "[grey]unclear[/]",
        _ => "[green]permissive[/]",
    };

    public static string Size(long bytes) => bytes >= 1 << 20 ? $"{bytes / 1048576.0:0.0} MiB" : $"{bytes / 1024.0:0} KiB";
}
