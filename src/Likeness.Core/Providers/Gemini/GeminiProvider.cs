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
        // Second model = Gemini's own advice under overload: temporarily switch model. gemini-2.5-flash-image and
        // gemini-3-pro-image-preview are on ai.google.dev/gemini-api/docs/deprecations with passed shutdown dates; the
        // GA replacements are gemini-3.1-flash-image and gemini-3-pro-image, and gemini-2.5-flash (describe) is replaced
        // by gemini-3.5-flash (deprecations page as summarized on 2026-06-25 and 2026-06-01). All configurable
        // (Providers:Gemini:Models:*); `likeness providers check` lists what the key can use.
        [GenerationOperation.TextToImage] = ["gemini-3.1-flash-image", "gemini-3-pro-image"],
        [GenerationOperation.ImageEdit] = ["gemini-3.1-flash-image", "gemini-3-pro-image"],
        [GenerationOperation.DescribeImage] = ["gemini-3.5-flash"],
    };

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
        if (Str(answer["promptFeedback"]?["blockReason"]) is { } blockReason) throw GeminiReasons.PromptBlocked(Name, blockReason);
        var candidate = (answer["candidates"] as JsonArray)?.FirstOrDefault();
        var finish = Str(candidate?["finishReason"]);
        if (GeminiReasons.Stopped(Name, finish) is { } stopped) throw stopped;

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
            // Charged by what came back (the size tier decides the price), not by what was asked.
            Usage = new ProviderUsage(Images: images.Count, Megapixels: Megapixels(bytes) ?? request.Width * (double)request.Height / 1_000_000),
        };
    }

    static double? Megapixels(byte[] image)
    {
        try
        {
            var info = Likeness.Imaging.Codecs.ImageCodec.Identify(image);
            return info.Width * (double)info.Height / 1_000_000;
        }
        catch (Exception ex) when (ex is LikenessException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    ProviderException Empty(string? finish, string what, string? said = null)
        => new(FailureKind.EmptyResponse, Name, GeminiReasons.WhyEmpty(finish) ??
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

    /// <summary>
    /// Lists the models this key can use (GET models, paged; ai.google.dev/api/models#method:-models.list, read 2026-12-05)
    /// and reports each configured model as served or not, with the served image models as suggestions.
    /// </summary>
    public override async Task<IReadOnlyList<ProviderCheckResult>> CheckAsync(CancellationToken ct)
    {
        if (!IsConfigured) return [new(Name, "key", CheckStatus.NotConfigured, $"not configured: {ConfigurationHint}")];
        var served = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        string? pageToken = null;
        for (int page = 0; page < 20; page++)
        {
            var uri = Url("models?pageSize=1000" + (pageToken is null ? "" : "&pageToken=" + Uri.EscapeDataString(pageToken)));
            JsonNode? json = null;
            var ping = await PingAsync("key", uri, j => { json = j; return "key accepted"; }, ct).ConfigureAwait(false);
            if (ping.Status != CheckStatus.Ok) return [ping];
            foreach (var model in (json?["models"] as JsonArray ?? []))
                if (Str(model?["name"]) is { } name) served[name.StartsWith("models/", StringComparison.Ordinal) ? name["models/".Length..] : name] = model;
            pageToken = Str(json?["nextPageToken"]);
            if (string.IsNullOrEmpty(pageToken)) break;
        }
        var results = new List<ProviderCheckResult> { new(Name, "key", CheckStatus.Ok, $"key accepted; {served.Count} models served to it") };
        var imageModels = served.Keys.Where(k => k.Contains("image", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        foreach (var model in Models.Values.SelectMany(m => m).Distinct())
        {
            if (served.TryGetValue(model, out var info))
            {
                var methods = (info?["supportedGenerationMethods"] as JsonArray)?.Select(n => Str(n)).ToList() ?? [];
                results.Add(methods.Count > 0 && !methods.Contains("generateContent")
                    ? new(Name, model, CheckStatus.Warning, $"served, but not for generateContent ({string.Join(", ", methods)})")
                    : new(Name, model, CheckStatus.Ok, $"served{(Str(info?["displayName"]) is { } display ? $" ({display})" : "")}"));
            }
            else
            {
                results.Add(new(Name, model, CheckStatus.Warning,
                    $"not served to this key (retired, misspelt or not enabled); image models it can use: {(imageModels.Count == 0 ? "none" : string.Join(", ", imageModels.Take(8)))}. Set Providers:Gemini:Models."));
            }
        }
        return results;
    }
}
