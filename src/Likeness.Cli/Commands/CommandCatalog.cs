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

    /// <summary>Commands that run local models as soon as they start (not serve/worker: they have their own warm-up).</summary>
    static readonly HashSet<string> LocalModelCommands = ["compose", "views", "check", "analyze", "compare", "swap", "pose", "theme", "bench"];

    /// <summary>
    /// Loads ONNX Runtime's native library and environment (~85 ms on 2 cores) on another thread while the command line
    /// is built and parsed (~80 ms), for the commands that will need it first thing.
    /// </summary>
    public static void WarmUpRuntimeFor(string[] args)
    {
        if (args.Length > 0 && LocalModelCommands.Contains(args[0]))
            _ = Task.Run(() => Likeness.Inference.OrtRuntime.TryGet(out _, out _));
    }
}
