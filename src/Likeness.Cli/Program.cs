using System.CommandLine;
using Likeness.Cli.Commands;

var root = new RootCommand("Likeness: a self-hosted identity image studio (local ONNX engine, cloud providers, durable jobs).");
foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
return await root.Parse(args).InvokeAsync();
