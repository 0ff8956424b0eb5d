using System.CommandLine;
using Likeness.Inference;
using Likeness.Pipelines;

namespace Likeness.Cli.Commands;

/// <summary>Builds the local engine for a command (model store from --cache/--mirror, shared sessions).</summary>
internal sealed class EngineCliOptions
{
    readonly ModelStoreCliOptions store = new();

    public void AddTo(Command command) => store.AddTo(command);

    public (VisionEngine Engine, IDisposable Lifetime) Create(ParseResult parse, InferenceOptions? inference = null)
    {
        var modelStore = store.CreateStore(parse);
        var sessions = new ModelSessions(modelStore, inference is null ? null : Microsoft.Extensions.Options.Options.Create(inference));
        return (new VisionEngine(sessions, StderrLoggerFactory.Instance), new Both(sessions, modelStore));
    }

    sealed class Both(IDisposable a, IDisposable b) : IDisposable
    {
        public void Dispose() { a.Dispose(); b.Dispose(); }
    }
}

/// <summary>Expands arguments into image files: files as given, folders into their JPEG/PNG/WebP files (sorted).</summary>
internal static class InputFiles
{
    static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".webp"];

    public static List<string> Expand(IEnumerable<string> args)
    {
        var files = new List<string>();
        foreach (var a in args)
        {
            if (Directory.Exists(a))
                files.AddRange(Directory.EnumerateFiles(a).Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order());
            else files.Add(a);
        }
        return files;
    }
}
