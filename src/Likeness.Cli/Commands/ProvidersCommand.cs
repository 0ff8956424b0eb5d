using System.CommandLine;

namespace Likeness.Cli.Commands;

/// <summary>`likeness providers ...`: the cloud generative providers (fal.ai, Gemini, Replicate, Hugging Face).</summary>
public static class ProvidersCommand
{
    public static Command Create()
    {
        var command = new Command("providers", "Cloud generative providers: configuration and health.");
        command.Subcommands.Add(ProvidersCheckCommand.Create());
        return command;
    }
}
