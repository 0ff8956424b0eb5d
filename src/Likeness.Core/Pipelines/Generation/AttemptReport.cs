namespace Likeness.Pipelines.Generation;

/// <summary>One attempt as reports and the API show it: the prompt sent, who answered, the gate's figures and verdict.</summary>
public sealed record AttemptReport(int Number, string? Provider, string? Model, string Prompt, int References, bool Passed, string Verdict,
    double? Similarity, double? Yaw, string? View, bool Mirrored, int Faces, decimal EstimatedUsd, IReadOnlyList<GateFinding> Findings, double? PoseSimilarity = null)
{
    public static AttemptReport From(GenerationAttempt a) => new(a.Number, a.Provider, a.Model, a.Prompt, a.References, a.Passed, a.Verdict.Summary,
        a.Verdict.Similarity is { } s ? Math.Round(s, 3) : null, a.Verdict.Yaw, a.Verdict.MeasuredView?.ToString(), a.Verdict.Mirrored, a.Verdict.Faces,
        a.EstimatedUsd, a.Verdict.Findings, a.Verdict.PoseMatch is { } p ? Math.Round(p.Score, 3) : null);

    public static IReadOnlyList<AttemptReport> From(IEnumerable<GenerationAttempt> attempts) => attempts.Select(From).ToList();
}
