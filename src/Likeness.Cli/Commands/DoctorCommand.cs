using System.CommandLine;
using Likeness.Diagnostics;
using Spectre.Console;

namespace Likeness.Cli.Commands;

/// <summary>`likeness doctor`: native libraries, models and writable directories, one line per problem with its fix.</summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "Check native libraries, models and directories; print the fix for every problem.");
        command.SetAction(async (_, ct) =>
        {
            var checks = new List<HealthCheck>();
            checks.AddRange(NativeLibraryChecks.Run());
            checks.AddRange(await DoctorExtras.RunAsync(ct));
            Print(checks);
            return checks.Any(c => c.Status == HealthStatus.Error) ? 1 : 0;
        });
        return command;
    }

    static void Print(IReadOnlyList<HealthCheck> checks)
    {
        foreach (var c in checks)
        {
            var mark = c.Status switch
            {
                HealthStatus.Ok => "[green]ok  [/]",
                HealthStatus.Warning => "[yellow]warn[/]",
                _ => "[red]FAIL[/]",
            };
            AnsiConsole.MarkupLine($"{mark} {Markup.Escape(c.Area)}/{Markup.Escape(c.Name)}: {Markup.Escape(c.Detail)}");
            if (c.Fix is not null && c.Status != HealthStatus.Ok)
                AnsiConsole.MarkupLine($"     [grey]fix:[/] {Markup.Escape(c.Fix)}");
        }
        int errors = checks.Count(c => c.Status == HealthStatus.Error);
        int warnings = checks.Count(c => c.Status == HealthStatus.Warning);
        AnsiConsole.MarkupLine(errors == 0
            ? $"[green]doctor: all {checks.Count} checks passed[/]{(warnings > 0 ? $" ({warnings} warnings)" : "")}"
            : $"[red]doctor: {errors} problem(s)[/] in {checks.Count} checks");
    }
}

/// <summary>Checks that need the model store and data directories.</summary>
static class DoctorExtras
{
    public static Task<IEnumerable<HealthCheck>> RunAsync(CancellationToken ct)
    {
        var data = Environment.GetEnvironmentVariable("LIKENESS_DATA") ?? Path.Combine(Directory.GetCurrentDirectory(), "data");
        IEnumerable<HealthCheck> checks = [WritableDirectoryCheck.Run("dirs", "data", data)];
        return Task.FromResult(checks);
    }
}
