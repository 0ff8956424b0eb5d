namespace Likeness.Providers.Service;

/// <summary>What `likeness providers check` reports: one row per provider subject, and what works without any key.</summary>
public static class ProviderChecker
{
    public const string OfflineExplanation =
        "No provider keys are configured. What works offline, on the local ONNX engine and image library: reading and " +
        "writing images, face detection, crops, masks, filters and colour matching (see `likeness doctor` and `likeness models`). " +
        "Generation needs a provider: text-to-image with LoRAs, LoRA training, inpainting and background removal use fal.ai " +
        "(FAL_KEY); character-consistent generation, scene edits and image description use Gemini (GEMINI_API_KEY); " +
        "Replicate (REPLICATE_API_TOKEN) and Hugging Face (HF_TOKEN) are optional alternatives. See docs/providers.md.";

    public static async Task<IReadOnlyList<ProviderCheckResult>> CheckAsync(IEnumerable<IGenerativeProvider> providers, CancellationToken ct)
    {
        var rows = new List<ProviderCheckResult>();
        foreach (var provider in providers)
            rows.AddRange(await provider.CheckAsync(ct).ConfigureAwait(false));
        return rows;
    }

    /// <summary>Configured models a provider does not serve (retired, misspelt, or no live inference provider), one line each.</summary>
    public static IReadOnlyList<string> Attention(IEnumerable<ProviderCheckResult> rows)
        => rows.Where(r => r.Status is CheckStatus.Warning or CheckStatus.Failed && r.Subject is not ("key" or "token"))
            .Select(r => $"{r.Provider} {r.Subject}: {r.Detail}").ToList();

    /// <summary>Operations each configured provider can serve, for the summary under the table.</summary>
    public static IReadOnlyDictionary<GenerationOperation, IReadOnlyList<string>> Coverage(IEnumerable<IGenerativeProvider> providers)
        => Enum.GetValues<GenerationOperation>().ToDictionary(op => op,
            op => (IReadOnlyList<string>)providers.Where(p => p.IsConfigured && p.Supports(op)).Select(p => p.Name).ToList());
}
