namespace Likeness.Models;

/// <summary>No source could deliver a model with the manifest's size and SHA-256.</summary>
public sealed class ModelUnavailableException : Exception
{
    public ModelUnavailableException(ModelInfo model, IReadOnlyList<ModelSourceAttempt> attempts)
        : base(Describe(model, attempts))
    {
        Model = model;
        Attempts = attempts;
    }

    public ModelInfo Model { get; }
    public IReadOnlyList<ModelSourceAttempt> Attempts { get; }

    static string Describe(ModelInfo model, IReadOnlyList<ModelSourceAttempt> attempts) =>
        $"Model '{model.Name}' ({model.File}, {model.Bytes:N0} bytes) is not available. Tried:\n"
        + string.Concat(attempts.Select(a => $"  - {a}\n"))
        + $"Fix: run `likeness models fetch {model.Name}` where the network works, "
        + $"or put the file at <folder>/{model.File} and list <folder> in {ModelStoreOptions.MirrorEnvironmentVariable} (colon-separated), "
        + "or check network/proxy access to the sources above.";
}
