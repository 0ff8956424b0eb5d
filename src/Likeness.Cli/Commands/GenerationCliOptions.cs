using System.CommandLine;
using Likeness.Pipelines;
using Likeness.Pipelines.Generation;
using Likeness.Providers;
using Likeness.Providers.Outputs;
using Likeness.Providers.Service;
using Spectre.Console;

namespace Likeness.Cli.Commands;

/// <summary>The provider side of a generating command: route, attempts, deadline and the data folder (outputs, cost ledger).</summary>
internal sealed class GenerationCliOptions
{
    readonly Option<string?> _route = new("--route") { Description = "Pin a provider or provider:model (e.g. gemini or gemini:gemini-3-pro-image); default: the configured routes." };
    readonly Option<int> _attempts = new("--attempts") { Description = "Attempts per image before it fails (each attempt is paid).", DefaultValueFactory = _ => 3 };
    readonly Option<int> _minutes = new("--deadline") { Description = "Minutes the whole run may take.", DefaultValueFactory = _ => 30 };
    readonly Option<string?> _data = new("--data") { Description = "Folder for provider outputs and the cost ledger (default: $LIKENESS_DATA, else $XDG_DATA_HOME/likeness or ~/.local/share/likeness)." };

    public void AddTo(Command command)
    {
        command.Options.Add(_route);
        command.Options.Add(_attempts);
        command.Options.Add(_minutes);
        command.Options.Add(_data);
    }

    public string? Route(ParseResult parse) => parse.GetValue(_route);

    /// <summary>
    /// Null when no provider is configured (with a printed error naming the keys to set when <paramref name="required"/>)
    /// or an option is out of range (always printed).
    /// </summary>
    public GenerationSession? Create(ParseResult parse, VisionEngine engine, bool required = true)
    {
        int attempts = parse.GetValue(_attempts), minutes = parse.GetValue(_minutes);
        if (attempts is < 1 or > 10) { AnsiConsole.MarkupLine("[red]error[/] --attempts must be 1..10"); return null; }
        if (minutes is < 1 or > 24 * 60) { AnsiConsole.MarkupLine("[red]error[/] --deadline must be 1..1440 minutes"); return null; }
        var configuration = ProviderConfiguration.FromEnvironment();
        var providers = ProviderConfiguration.CreateProviders(configuration);
        bool any = providers.Any(p => p.IsConfigured);
        foreach (var p in providers.OfType<IDisposable>()) p.Dispose();
        if (!any && !required) return null;
        if (!any)
        {
            Console.Error.WriteLine("error: generating needs a provider and none is configured: " + string.Join("; ", providers.Select(p => p.ConfigurationHint)) +
                ". Without one, `likeness views` (no --generate) and `likeness compose` run offline on your photos.");
            return null;
        }
        var data = parse.GetValue(_data) ?? DefaultDataDirectory();
        Directory.CreateDirectory(data);
        var service = ProviderConfiguration.CreateService(configuration, data, logs: StderrLoggerFactory.Instance);
        var gate = new GenerationGate(engine);
        var outputs = new FileSystemOutputStore(Path.Combine(data, "outputs"));
        var generator = new GatedGenerator(service, outputs, gate, new GatedGenerationOptions { MaxAttempts = attempts });
        var context = new GenerationContext(Environment.UserName is { Length: > 0 } user ? user : "local", DateTimeOffset.UtcNow.AddMinutes(minutes));
        return new GenerationSession(service, generator, gate, context, outputs);
    }

    static string DefaultDataDirectory()
    {
        if (Environment.GetEnvironmentVariable("LIKENESS_DATA") is { Length: > 0 } explicitDir) return explicitDir;
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share") : xdg;
        return Path.Combine(root, "likeness");
    }
}

internal sealed record GenerationSession(GenerationService Service, GatedGenerator Generator, GenerationGate Gate, GenerationContext Context, IOutputStore Outputs);

/// <summary>The gate table every generating command prints: one row per attempt.</summary>
internal static class GateTable
{
    public static void Print(string title, IEnumerable<(string What, AttemptReport Attempt)> rows)
    {
        var table = new Table().Title(Markup.Escape(title)).AddColumns("Image", "#", "Provider", "Identity", "Yaw", "Verdict");
        foreach (var (what, a) in rows)
            table.AddRow(new Text(what), new Text(a.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Text($"{a.Provider}:{a.Model}"),
                new Text(a.Similarity is { } s ? s.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) : "-"),
                new Text(a.Yaw is { } y ? y.ToString("+0.0;-0.0", System.Globalization.CultureInfo.InvariantCulture) : "-"),
                new Markup(a.Passed ? "[green]passed[/]" : "[red]" + Markup.Escape(a.Verdict) + "[/]"));
        AnsiConsole.Write(table);
    }
}
