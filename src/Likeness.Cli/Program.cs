using System.CommandLine;
using Likeness.Cli.Commands;

// Redirected output (CI logs, pipes) should not be wrapped at 80 columns.
if (Console.IsOutputRedirected)
{
    Spectre.Console.AnsiConsole.Profile.Width = 200;
    Spectre.Console.AnsiConsole.Profile.Capabilities.Ansi = false;
}

CommandCatalog.WarmUpRuntimeFor(args);
var root = new RootCommand("Likeness: a self-hosted identity image studio (local ONNX engine, cloud providers, durable jobs).");
foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
return await root.Parse(args).InvokeAsync();
