using System.Globalization;
using Likeness.Compositing;

namespace Likeness.Pipelines.Generation;

/// <summary>Provenance of a generated image: made by a generative model, which provider and model, and the gate's figures.</summary>
public static class GeneratedProvenance
{
    public static ProvenanceRecord For(string operation, GenerationAttempt winner, IReadOnlyDictionary<string, string>? inputs = null)
    {
        var v = winner.Verdict;
        var parameters = new Dictionary<string, string>
        {
            ["provider"] = winner.Provider ?? "",
            ["model"] = winner.Model ?? "",
            ["attempt"] = winner.Number.ToString(CultureInfo.InvariantCulture),
            ["gate"] = v.Passed ? "passed" : "failed",
        };
        if (winner.ProviderRequestId is { } id) parameters["providerRequestId"] = id;
        if (v.Similarity is { } s) parameters["identitySimilarity"] = s.ToString("0.000", CultureInfo.InvariantCulture);
        if (v.Threshold is { } t) parameters["identityThreshold"] = t.ToString("0.000", CultureInfo.InvariantCulture);
        if (v.Yaw is { } yaw) parameters["yaw"] = yaw.ToString("0.0", CultureInfo.InvariantCulture);
        if (v.MeasuredView is { } view) parameters["view"] = view.ToString();
        return ProvenanceRecord.Create(operation, inputs ?? new Dictionary<string, string>(), new Dictionary<string, string>(), parameters)
            with { SourceType = ProvenanceRecord.GeneratedSourceType };
    }
}
