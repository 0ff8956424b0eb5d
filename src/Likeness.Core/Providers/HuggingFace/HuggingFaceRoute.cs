using System.Text.Json.Nodes;

namespace Likeness.Providers.HuggingFace;

/// <summary>
/// One inference provider serving a Hub model, from GET /api/models/{id}?expand[]=inferenceProviderMapping
/// (huggingface.js packages/inference/src/lib/getInferenceProviderMapping.ts, read 2026-12-05). The mapping is an
/// object keyed by provider ({provider: {providerId, status, task}}) or, in newer Hub answers, an array of
/// {provider, providerId, status, task}; both are read.
/// </summary>
public sealed record HuggingFaceRoute(string Provider, string ProviderId, string Status, string Task)
{
    /// <summary>Providers whose text-to-image request and answer this client speaks (huggingface.js src/providers/*.ts).</summary>
    public static readonly string[] TextToImageProviders = ["hf-inference", "fal-ai", "nebius", "together", "nscale"];

    public bool IsLive => Status == "live";

    public static IReadOnlyList<HuggingFaceRoute> Parse(JsonNode? model)
    {
        var mapping = model?["inferenceProviderMapping"];
        var routes = new List<HuggingFaceRoute>();
        if (mapping is JsonObject byProvider)
        {
            foreach (var (provider, entry) in byProvider) routes.Add(From(provider, entry));
        }
        else if (mapping is JsonArray list)
        {
            foreach (var entry in list)
                if (entry?["provider"]?.ToString() is { } provider) routes.Add(From(provider, entry));
        }
        return routes;
    }

    static HuggingFaceRoute From(string provider, JsonNode? entry)
        => new(provider, entry?["providerId"]?.ToString() ?? "", entry?["status"]?.ToString() ?? "live", entry?["task"]?.ToString() ?? "");
}
