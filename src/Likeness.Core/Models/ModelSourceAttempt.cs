namespace Likeness.Models;

/// <summary>One source tried while resolving a model, and why it did not deliver.</summary>
public sealed record ModelSourceAttempt(ModelSourceKind Source, string Where, string Outcome)
{
    public override string ToString() => $"{Source.ToString().ToLowerInvariant()} {Where}: {Outcome}";
}
