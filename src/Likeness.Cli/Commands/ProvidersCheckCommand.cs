using System.CommandLine;
using Likeness.Providers;
using Likeness.Providers.Service;
using Spectre.Console;

namespace Likeness.Cli.Commands;

/// <summary>`likeness providers check`: pings each configured provider (key accepted, models available) and prints a table.</summary>
public static class ProvidersCheckCommand
{
    public static Command Create()
    {
        var command = new Command("check", "Ask each configured provider which of the configured models it really serves (Gemini model list, Hugging Face provider mapping, Replicate model/version, fal endpoint) and print a status table; explain what works offline.");
        command.SetAction(async (parse, ct) =>
        {
            var providers = ProviderConfiguration.CreateProviders(ProviderConfiguration.FromEnvironment());
            try
            {
                if (!providers.Any(p => p.IsConfigured))
                {
                    Print(providers.Select(p => new ProviderCheckResult(p.Name, "key", CheckStatus.NotConfigured, $"not configured: {p.ConfigurationHint}")).ToList());
                    AnsiConsole.WriteLine();
                    AnsiConsole.Write(new Text(ProviderChecker.OfflineExplanation + Environment.NewLine));
                    return 0;
                }
                var rows = await ProviderChecker.CheckAsync(providers, ct);
                Print(rows);
                AnsiConsole.WriteLine();
                foreach (var (operation, names) in ProviderChecker.Coverage(providers))
                    AnsiConsole.MarkupLine($"  {operation,-17} {(names.Count == 0 ? "[grey]no configured provider[/]" : Markup.Escape(string.Join(", ", names)))}");
                var attention = ProviderChecker.Attention(rows);
                if (attention.Count > 0)
                {
                    AnsiConsole.WriteLine();
                    AnsiConsole.Write(new Text($"{attention.Count} configured model(s) cannot be used as configured; set Providers:<Provider>:Models:<Operation> to a served model:{Environment.NewLine}"));
                    foreach (var line in attention) AnsiConsole.Write(new Text($"  - {line}{Environment.NewLine}"));
                }
                return rows.Any(r => r.Status == CheckStatus.Failed) ? 1 : 0;
            }
            finally
            {
                foreach (var p in providers.OfType<IDisposable>()) p.Dispose();
            }
        });
        return command;
    }

    static void Print(IReadOnlyList<ProviderCheckResult> rows)
    {
        var table = new Table().AddColumns("Provider", "Checked", "Status", "Detail");
        foreach (var r in rows)
        {
            var status = r.Status switch
            {
                CheckStatus.Ok => "[green]ok[/]",
                CheckStatus.Warning => "[yellow]warn[/]",
                CheckStatus.NotConfigured => "[grey]not configured[/]",
                _ => "[red]FAIL[/]",
            };
            // Plain Text cells: markup would turn "Providers:Gemini:ApiKey" into an emoji.
            table.AddRow(new Text(r.Provider), new Text(r.Subject), new Markup(status), new Text(r.Detail));
        }
        AnsiConsole.Write(table);
    }
}
