using System.CommandLine;

namespace Likeness.Cli.Commands;

/// <summary>Every top-level `likeness` command. Each command lives in its own file.</summary>
public static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return VersionCommand.Create();
        yield return DoctorCommand.Create();
        yield return BenchCommand.Create();
        yield return ModelsCommand.Create();
        yield return ServeCommand.Create();
        yield return WorkerCommand.Create();
        yield return SwapCommand.Create();
        yield return AnimateCommand.Create();
        yield return LipSyncCommand.Create();
        yield return UsersCommand.Create();
        yield return CompareCommand.Create();
        yield return ComposeCommand.Create();
        yield return ViewsCommand.Create();
        yield return GenerateCommand.Create();
        yield return LoraCommand.Create();
        yield return CheckCommand.Create();
        yield return AnalyzeCommand.Create();
        yield return PoseCommand.Create();
        yield return ThemeCommand.Create();
        yield return ProvidersCommand.Create();
    }
}
