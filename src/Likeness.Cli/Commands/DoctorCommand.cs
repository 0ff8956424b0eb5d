using System.CommandLine;
using Likeness.Diagnostics;
using Likeness.Models;
using Spectre.Console;

namespace Likeness.Cli.Commands;

/// <summary>`likeness doctor`: native libraries, models and writable directories, one line per problem with its fix.</summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "Check native libraries, models and directories; print the fix for every problem.");
        var storeOptions = new ModelStoreCliOptions();
        storeOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var checks = new List<HealthCheck>();
            checks.AddRange(NativeLibraryChecks.Run());
            using var store = storeOptions.CreateStore(parse);
            checks.AddRange(await DoctorExtras.RunAsync(store, ct));
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
    public static async Task<IEnumerable<HealthCheck>> RunAsync(ModelStore store, CancellationToken ct)
    {
        var data = Environment.GetEnvironmentVariable("LIKENESS_DATA") ?? Path.Combine(Directory.GetCurrentDirectory(), "data");
        var checks = new List<HealthCheck>
        {
            WritableDirectoryCheck.Run("dirs", "model cache", store.CacheDirectory),
            WritableDirectoryCheck.Run("dirs", "data", data),
        };
        foreach (var model in store.Manifest.Defaults)
        {
            var status = await store.VerifyAsync(model.Name, ct: ct);
            checks.Add(status.IsHealthy
                ? new HealthCheck("models", model.Name, HealthStatus.Ok, $"{status.Location.ToString().ToLowerInvariant()}: {status.Path} (sha256 ok, {model.LicenceClass})")
                : new HealthCheck("models", model.Name, HealthStatus.Error, status.Problem ?? $"missing. Fix: run `likeness models fetch {model.Name}`"));
        }
        return checks;
    }
}
