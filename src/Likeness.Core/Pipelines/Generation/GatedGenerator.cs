using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Providers;
using Likeness.Providers.Outputs;
using Likeness.Vision.Identity;

namespace Likeness.Pipelines.Generation;

/// <summary>How many times a gated generation may try, and how many reference photos it sends.</summary>
public sealed record GatedGenerationOptions
{
    public int MaxAttempts { get; init; } = 3;
    /// <summary>References sent on the first attempt; after an identity failure all of them (up to <see cref="MaxReferences"/>).</summary>
    public int References { get; init; } = 3;
    public int MaxReferences { get; init; } = 6;
}

/// <summary>Judges one output as the caller needs it (e.g. normalised to a view first); returns the verdict and the image to deliver.</summary>
public delegate Task<(GateVerdict Verdict, RgbaImage? Deliverable)> OutputJudge(RgbaImage output, CancellationToken ct);

/// <summary>What to generate and what the result must show.</summary>
public sealed record GatedRequest(string What, GenerationRequest Request, GateExpectation Expectation, IdentityTemplate Identity)
{
    /// <summary>All reference photos, best first; the request's own <see cref="GenerationRequest.ReferenceImages"/> are replaced by a prefix of these.</summary>
    public IReadOnlyList<MediaInput> References { get; init; } = [];
    /// <summary>Replaces the plain gate (e.g. normalise to the view frame, then gate the result).</summary>
    public OutputJudge? Judge { get; init; }
}

/// <summary>Progress of a gated generation: attempt n of max, and the last verdict.</summary>
public sealed record GatedProgress(string What, int Attempt, int MaxAttempts, string Stage, GateVerdict? Verdict = null);

/// <summary>
/// Generate → gate → regenerate with a corrected prompt, up to <see cref="GatedGenerationOptions.MaxAttempts"/> times.
/// The first attempt that passes wins (best-scoring image of that call); when none does, or the budget or deadline
/// stops the loop, it throws <see cref="GenerationFailedException"/> with every attempt's verdict: a failed
/// generation is never delivered. Provider failures that are not about the content (outage, auth) are rethrown
/// as they are, so a job engine's retry policy still applies to them.
/// </summary>
public sealed class GatedGenerator(IGenerationService service, IOutputStore outputs, GenerationGate gate, GatedGenerationOptions? options = null,
    TimeProvider? time = null)
{
    public GatedGenerationOptions Options { get; } = options ?? new GatedGenerationOptions();
    readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<GatedOutcome> RunAsync(GatedRequest gated, GenerationContext context, IProgress<GatedProgress>? progress = null, CancellationToken ct = default)
    {
        var attempts = new List<GenerationAttempt>();
        var corrections = new List<string>();
        int references = Math.Min(Options.References, gated.References.Count);
        string basePrompt = gated.Request.Prompt ?? "";
        for (int n = 1; n <= Options.MaxAttempts; n++)
        {
            if (context.Deadline is { } deadline && _time.GetUtcNow() >= deadline)
                throw new GenerationFailedException(gated.What, $"the deadline passed after {attempts.Count} attempt(s)", attempts);
            string prompt = corrections.Count == 0 ? basePrompt : basePrompt + "\n" + string.Join("\n", corrections);
            var request = gated.Request with
            {
                Prompt = prompt,
                ReferenceImages = gated.References.Count > 0 ? gated.References.Take(references).ToList() : gated.Request.ReferenceImages,
            };
            progress?.Report(new GatedProgress(gated.What, n, Options.MaxAttempts, "generate"));

            GenerationAttempt attempt;
            RgbaImage? deliverable = null;
            try
            {
                var result = await service.RunAsync(request, context, ct);
                progress?.Report(new GatedProgress(gated.What, n, Options.MaxAttempts, "gate"));
                GateVerdict verdict;
                string? key = null;
                (verdict, deliverable, key) = await JudgeBestAsync(result, gated, ct);
                attempt = new(n, prompt, request.ReferenceImages.Count, result.Provider, result.Model, result.ProviderRequestId, key, result.EstimatedUsd, verdict);
            }
            catch (ProviderException e) when (IsAboutContent(e.Kind))
            {
                attempt = new(n, prompt, request.ReferenceImages.Count, e.Provider, null, null, null, 0, GenerationGate.NoImage(e.Kind, e.Message));
            }
            catch (ProviderException e) when (e.Kind is FailureKind.BudgetExceeded or FailureKind.DeadlineExceeded)
            {
                throw new GenerationFailedException(gated.What, $"stopped after {attempts.Count} attempt(s): {e.Message}", attempts);
            }
            attempts.Add(attempt);
            progress?.Report(new GatedProgress(gated.What, n, Options.MaxAttempts, attempt.Passed ? "passed" : "failed", attempt.Verdict));
            if (attempt.Passed && deliverable is not null) return new GatedOutcome(deliverable, attempt, attempts);

            foreach (var line in PromptCorrections.For(attempt.Verdict, gated.Expectation, gate.Rules))
                if (!corrections.Contains(line)) corrections.Add(line);
            if (attempt.Verdict.Failed(GateChecks.Identity)) references = Math.Min(Options.MaxReferences, gated.References.Count);
        }
        throw new GenerationFailedException(gated.What, null, attempts);
    }

    static bool IsAboutContent(FailureKind kind) => kind is FailureKind.SafetyBlock or FailureKind.BlockedPrompt
        or FailureKind.Recitation or FailureKind.EmptyResponse;

    /// <summary>Judges every image of one call; the passing one with the highest similarity wins, else the first verdict is kept.</summary>
    async Task<(GateVerdict, RgbaImage?, string?)> JudgeBestAsync(GenerationResult result, GatedRequest gated, CancellationToken ct)
    {
        if (result.Images.Count == 0)
            return (GenerationGate.NoImage(FailureKind.EmptyResponse, $"{result.Provider} returned no image"), null, null);
        (GateVerdict Verdict, RgbaImage? Image, string Key)? best = null, first = null;
        foreach (var output in result.Images)
        {
            var bytes = await ReadAsync(output, ct);
            (GateVerdict, RgbaImage?) judged;
            try
            {
                var image = ImageCodec.Decode(bytes, "generated image");
                judged = gated.Judge is { } judge ? await judge(image, ct) : (await gate.JudgeAsync(image, gated.Expectation, gated.Identity, ct), image);
            }
            catch (ImageDecodeException e)
            {
                judged = (GenerationGate.Unreadable(bytes.Length, e.Reason), null);
            }
            first ??= (judged.Item1, judged.Item2, output.Key);
            if (judged.Item1.Passed && (best is null || (judged.Item1.Similarity ?? 0) > (best.Value.Verdict.Similarity ?? 0)))
                best = (judged.Item1, judged.Item2, output.Key);
        }
        var chosen = best ?? first!.Value;
        return (chosen.Verdict, chosen.Image, chosen.Key);
    }

    async Task<byte[]> ReadAsync(StoredOutput output, CancellationToken ct)
    {
        await using var stream = await outputs.OpenAsync(output.Key, ct)
            ?? throw new ProviderException(FailureKind.OutputUnavailable, "likeness", $"the stored output {output.Key} is missing from the output store");
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory, ct);
        return memory.ToArray();
    }
}
