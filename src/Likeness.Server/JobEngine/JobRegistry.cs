using Likeness.Jobs;

namespace Likeness.Server.JobEngine;

/// <summary>The job kinds this server can run and the handler of each of their steps.</summary>
public sealed class JobRegistry
{
    readonly Dictionary<string, IJobKind> kinds;
    readonly Dictionary<(string Kind, string Step), IJobStepHandler> handlers;

    public JobRegistry(IEnumerable<IJobKind> kinds, IEnumerable<IJobStepHandler> handlers)
    {
        this.kinds = kinds.ToDictionary(k => k.Kind, StringComparer.Ordinal);
        this.handlers = handlers.ToDictionary(h => (h.Kind, h.Name));
        foreach (var kind in this.kinds.Values)
            foreach (var step in kind.Steps)
                if (!this.handlers.ContainsKey((kind.Kind, step)))
                    throw new InvalidOperationException($"Job kind '{kind.Kind}' has step '{step}' but no IJobStepHandler is registered for it.");
    }

    public IReadOnlyCollection<IJobKind> Kinds => kinds.Values;

    public IJobKind? FindKind(string kind) => kinds.GetValueOrDefault(kind);

    public IJobStepHandler Handler(string kind, string step) =>
        handlers.TryGetValue((kind, step), out var h) ? h : throw new PermanentJobException($"This server has no handler for step '{step}' of job kind '{kind}'.");
}
