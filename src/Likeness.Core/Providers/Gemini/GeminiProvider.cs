using System.Text.Json.Nodes;
using Likeness.Providers.Policy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Likeness.Providers.Gemini;

/// <summary>
/// Gemini image generation and vision: synchronous generateContent with inline base64 images in and out.
/// Finish/block reasons become SafetyBlock, BlockedPrompt, Recitation or EmptyResponse; the last image part wins.
/// </summary>
public sealed class GeminiProvider : HttpProviderBase<GeminiOptions>
{
    static readonly IReadOnlyDictionary<GenerationOperation, IReadOnlyList<string>> Defaults = new Dictionary<GenerationOperation, IReadOnlyList<string>>
    {
        // Second model = Gemini's own advice under overload: temporarily switch model.
        [GenerationOperation.TextToImage] = ["gemini-2.5-flash-image", "gemini-3-pro-image-preview"],
        [GenerationOperation.ImageEdit] = ["gemini-2.5-flash-image", "gemini-3-pro-image-preview"],
        [GenerationOperation.DescribeImage] = ["gemini-2.5-flash"],
    };

    static readonly string[] SafetyReasons = ["SAFETY", "IMAGE_SAFETY", "PROHIBITED_CONTENT", "IMAGE_PROHIBITED_CONTENT", "BLOCKLIST", "SPII"];
    static readonly string[] RecitationReasons = ["RECITATION", "IMAGE_RECITATION"];

    public GeminiProvider(HttpClient http, IOptions<GeminiOptions> options, TimeProvider? time = null, ILogger<GeminiProvider>? log = null)
        : base("gemini", "Gemini", "set GEMINI_API_KEY (or Providers:Gemini:ApiKey)", http, options.Value, Defaults, time, (ILogger?)log ?? NullLogger.Instance)
    {
    }

    public override string? Limitation(GenerationRequest request, string model)
        => request.Loras.Count > 0 ? "Gemini cannot apply LoRAs (it uses reference images for identity)" : null;

    protected override void Authorize(HttpRequestMessage request) => request.Headers.Add("x-goog-api-key", Options.ApiKey);

    public override async Task<ProviderOutcome> RunAsync(GenerationRequest request, string model, ProviderCall call, CancellationToken ct)
    {
        if (!this.Supports(request.Operation, model)) throw Unsupported(request, model);
        if (new[] { request.Image }.Concat(request.ReferenceImages).Any(i => i is { Bytes: null }))
            throw new ProviderException(FailureKind.Rejected, Name, "Gemini needs the images' bytes (inline), not URLs. Load the images first.");
        var body = GeminiContent.Body(request, Options.DescribePrompt);
        var uri = Url($"models/{Uri.EscapeDataString(model)}:generateContent");
        call.Report(ProviderPhase.Submitted);
        var answer = await SendAsync(new ProviderHttpStep<JsonNode>(() => Request(HttpMethod.Post, uri, body), ReadJsonAsync), call, ct).ConfigureAwait(false);
        var outcome = Interpret(request, answer);
        call.Report(ProviderPhase.Succeeded);
        return outcome;
    }

    ProviderOutcome Interpret(GenerationRequest request, JsonNode answer)
    {
        if (Str(answer["promptFeedback"]?["blockReason"]) is { } blockReason)
            throw new ProviderException(FailureKind.BlockedPrompt, Name,
                $"Gemini blocked the prompt ({blockReason}). Rephrase the prompt or change the reference images.");
        var candidate = (answer["candidates"] as JsonArray)?.FirstOrDefault();
        var finish = Str(candidate?["finishReason"]);
        if (finish is not null && SafetyReasons.Contains(finish))
            throw new ProviderException(FailureKind.SafetyBlock, Name, $"Gemini's safety filter stopped the answer ({finish}). Change the prompt or references.");
        if (finish is not null && RecitationReasons.Contains(finish))
            throw new ProviderException(FailureKind.Recitation, Name, $"Gemini stopped because the answer resembled existing material ({finish}). Rephrase the prompt.");

        var parts = (candidate?["content"]?["parts"] as JsonArray)?.ToList() ?? [];
        var text = string.Join("\n", parts.Select(p => Str(p?["text"])).Where(t => !string.IsNullOrWhiteSpace(t)));
        if (request.Operation == GenerationOperation.DescribeImage)
        {
            if (text.Length == 0) throw Empty(finish, "text");
            return new ProviderOutcome { Text = text.Trim(), Usage = new ProviderUsage(Runs: 1) };
        }
        var images = parts.Select(GeminiContent.InlineOf).Where(i => i.Data is not null && (i.MimeType?.StartsWith("image/", StringComparison.Ordinal) ?? false)).ToList();
        if (images.Count == 0) throw Empty(finish, "image", text);
        // A multi-part answer may contain drafts; the final image is the last part.
        var (mime, data) = images[^1];
        byte[] bytes;
        try { bytes = Convert.FromBase64String(data!); }
        catch (FormatException) { throw new ProviderException(FailureKind.Transient, Name, "Gemini returned an image part that is not valid base64."); }
        return new ProviderOutcome
        {
            Outputs = [new ProviderOutput(OutputRole.Image, Bytes: bytes, ContentType: mime)],
            Text = text.Length > 0 ? text : null,
            Usage = new ProviderUsage(Images: images.Count, Megapixels: request.Width * (double)request.Height / 1_000_000),
        };
    }

    ProviderException Empty(string? finish, string what, string? said = null)
        => new(FailureKind.EmptyResponse, Name,
            $"Gemini answered without {(what == "image" ? "an image" : "text")} (finishReason {finish ?? "none"}{(string.IsNullOrWhiteSpace(said) ? "" : $"; it said: \"{HttpFailures.Trim(said, 200)}\"")}). Try again or rephrase.");

    protected override ProviderException MapError(HttpResponseMessage response, string body, ProviderCall call)
    {
        // {"error": {"code": 503, "message": "The model is overloaded...", "status": "UNAVAILABLE", "details": [...]}}
        var error = TryParse(body)?["error"];
        var message = Str(error?["message"]) ?? body;
        var details = (error?["details"] as JsonArray)?.ToList() ?? [];
        var retryDelay = details.Select(d => RetryHints.FromGoogleDuration(Str(d?["retryDelay"]))).FirstOrDefault(d => d is not null);
        var reasons = details.Select(d => Str(d?["reason"])).Where(r => r is not null).ToList();
        FailureKind? kind = reasons.Contains("API_KEY_INVALID") ? FailureKind.Unauthorized
            : message.Contains("overloaded", StringComparison.OrdinalIgnoreCase) ? FailureKind.Overloaded
            : null;
        return Classified(response, message, call, kind, retryDelay);
    }

    public override async Task<IReadOnlyList<ProviderCheckResult>> CheckAsync(CancellationToken ct)
    {
        if (!IsConfigured) return [new(Name, "key", CheckStatus.NotConfigured, $"not configured: {ConfigurationHint}")];
        var results = new List<ProviderCheckResult>();
        foreach (var model in Models.Values.SelectMany(m => m).Distinct())
            results.Add(await PingAsync(model, Url($"models/{Uri.EscapeDataString(model)}"),
                json => $"key accepted, model available{(Str(json?["displayName"]) is { } name ? $" ({name})" : "")}", ct).ConfigureAwait(false));
        return results;
    }
}
