using Likeness.Imaging;

namespace Likeness.Pipelines.Generation;

/// <summary>One provider call of a gated generation: the prompt actually sent, who answered, what it cost and the gate's verdict.</summary>
public sealed record GenerationAttempt(int Number, string Prompt, int References, string? Provider, string? Model, string? ProviderRequestId,
    string? OutputKey, decimal EstimatedUsd, GateVerdict Verdict)
{
    public bool Passed => Verdict.Passed;
}

/// <summary>The attempt that passed, its image (as delivered: already normalised when the caller's judge does that) and every attempt made.</summary>
public sealed record GatedOutcome(RgbaImage Image, GenerationAttempt Winner, IReadOnlyList<GenerationAttempt> Attempts)
{
    public decimal TotalUsd => Attempts.Sum(a => a.EstimatedUsd);
}

/// <summary>No attempt passed the gate (or the budget/deadline stopped the loop): the message lists every attempt's verdict.</summary>
public sealed class GenerationFailedException(string what, string? stoppedBy, IReadOnlyList<GenerationAttempt> attempts)
    : LikenessException(Describe(what, stoppedBy, attempts))
{
    public IReadOnlyList<GenerationAttempt> Attempts { get; } = attempts;
    public string? StoppedBy { get; } = stoppedBy;

    static string Describe(string what, string? stoppedBy, IReadOnlyList<GenerationAttempt> attempts)
    {
        var head = attempts.Count == 0
            ? $"{what}: no image was generated"
            : $"{what}: none of {attempts.Count} generated image(s) passed the likeness gate";
        if (stoppedBy is not null) head += $" ({stoppedBy})";
        return attempts.Count == 0 ? head : head + ": " + string.Join("; ", attempts.Select(a => $"attempt {a.Number}: {a.Verdict.Summary}"));
    }
}
