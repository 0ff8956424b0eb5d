using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Likeness.Providers.Policy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Likeness.Providers.HuggingFace;

/// <summary>
/// Hugging Face Inference Providers through the router (router.huggingface.co/{provider}/…). Text-to-image goes to the
/// provider the model's inferenceProviderMapping names (hf-inference answers raw image bytes; nebius/together/nscale
/// answer OpenAI-style data[].b64_json; fal-ai answers images[].url). Describe uses the router's OpenAI-compatible
/// chat completions with a vision model. 503 "model is loading" carries estimated_time; 429 carries RateLimit headers.
/// Sources: huggingface.js packages/inference/src/providers/{hf-inference,nebius,together,nscale,fal-ai}.ts and
/// huggingface.co/docs/inference-providers, read 2026-12-05.
/// </summary>
public sealed class HuggingFaceProvider : HttpProviderBase<HuggingFaceOptions>
{
    const string DescribePrompt = "Describe the person in this image for a character sheet: apparent age, hair, eyes, skin, build, clothing and distinctive features. Plain prose, no lists.";
    static readonly TimeSpan MappingLifetime = TimeSpan.FromHours(1);

    static readonly IReadOnlyDictionary<GenerationOperation, IReadOnlyList<string>> Defaults = new Dictionary<GenerationOperation, IReadOnlyList<string>>
    {
        // hf-inference now serves mostly CPU tasks, so FLUX runs on a partner provider picked from the mapping;
        // BLIP captioning is no longer served, so describe uses a vision-language model through chat completions.
        [GenerationOperation.TextToImage] = ["black-forest-labs/FLUX.1-schnell"],
        [GenerationOperation.DescribeImage] = ["Qwen/Qwen2.5-VL-7B-Instruct"],
    };

    readonly ConcurrentDictionary<string, (IReadOnlyList<HuggingFaceRoute> Routes, DateTimeOffset At)> _mappings = new(StringComparer.Ordinal);

    public HuggingFaceProvider(HttpClient http, IOptions<HuggingFaceOptions> options, TimeProvider? time = null, ILogger<HuggingFaceProvider>? log = null)
        : base("huggingface", "Hugging Face", "set HF_TOKEN (or Providers:HuggingFace:ApiKey)", http, options.Value, Defaults, time, (ILogger?)log ?? NullLogger.Instance)
    {
    }

    public override string? Limitation(GenerationRequest request, string model)
        => request.Loras.Count > 0 || request.ReferenceImages.Count > 0 ? "Hugging Face text-to-image takes neither LoRAs nor reference images here"
            : request.ImageCount > 1 ? "Hugging Face returns one image per call" : null;

    protected override void Authorize(HttpRequestMessage request)
        => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Options.ApiKey);

    Uri Hub(string relative) => new(new Uri(Options.HubBaseUrl.TrimEnd('/') + "/"), relative);

    public override async Task<ProviderOutcome> RunAsync(GenerationRequest request, string model, ProviderCall call, CancellationToken ct)
    {
        if (!this.Supports(request.Operation, model)) throw Unsupported(request, model);
        ProviderOutcome outcome;
        if (request.Operation == GenerationOperation.DescribeImage)
        {
            if (request.Image is null) throw new ProviderException(FailureKind.Rejected, Name, "Describing needs an image.");
            call.Report(ProviderPhase.Submitted);
            var body = HuggingFaceBodies.Describe(model, request.Prompt ?? DescribePrompt, request.Image.ToUrlOrDataUri());
            var text = await SendAsync(new ProviderHttpStep<string>(() => Request(HttpMethod.Post, Url("v1/chat/completions"), body), ReadChatAsync), call, ct).ConfigureAwait(false);
            outcome = new ProviderOutcome { Text = text, Usage = new ProviderUsage(Runs: 1) };
        }
        else
        {
            var route = await RouteAsync(model, call, ct).ConfigureAwait(false);
            call.Report(ProviderPhase.Submitted, message: $"via {route.Provider}");
            var (uri, body) = HuggingFaceBodies.TextToImage(route, model, request);
            var output = await SendAsync(new ProviderHttpStep<ProviderOutput>(() =>
            {
                var message = Request(HttpMethod.Post, Url(uri), body);
                message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("image/png"));
                message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                return message;
            }, ReadImageAsync), call, ct).ConfigureAwait(false);
            outcome = new ProviderOutcome
            {
                Outputs = [output],
                Usage = new ProviderUsage(Images: 1, Megapixels: request.Width * (double)request.Height / 1_000_000),
            };
        }
        call.Report(ProviderPhase.Succeeded);
        return outcome;
    }

    /// <summary>The live provider that runs this model's text-to-image, from the Hub mapping (cached for an hour).</summary>
    async Task<HuggingFaceRoute> RouteAsync(string model, ProviderCall call, CancellationToken ct)
    {
        var routes = await MappingAsync(model, call, ct).ConfigureAwait(false);
        var wanted = Options.InferenceProvider is { Length: > 0 } p && p != "auto" ? p : null;
        var usable = routes.Where(r => r.IsLive && r.Task == "text-to-image" && HuggingFaceRoute.TextToImageProviders.Contains(r.Provider)
                                       && (wanted is null || r.Provider == wanted)).ToList();
        if (usable.Count > 0) return usable[0];
        var live = routes.Where(r => r.IsLive).Select(r => $"{r.Provider} ({r.Task})").ToList();
        throw new ProviderException(FailureKind.ModelUnavailable, Name,
            $"No inference provider{(wanted is null ? "" : $" named '{wanted}'")} this client speaks serves {model} for text-to-image " +
            $"(live: {(live.Count == 0 ? "none" : string.Join(", ", live))}). Configure another model or Providers:HuggingFace:InferenceProvider; `likeness providers check` lists what is served.");
    }

    /// <summary>
    /// The Hub mapping, read directly (not through the inference policy: the Hub is another service, and its answers
    /// must not count for or against the router's circuit breaker).
    /// </summary>
    async Task<IReadOnlyList<HuggingFaceRoute>> MappingAsync(string model, ProviderCall call, CancellationToken ct)
    {
        if (_mappings.TryGetValue(model, out var cached) && Time.GetUtcNow() - cached.At < MappingLifetime) return cached.Routes;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Options.AttemptTimeout);
        string body;
        try
        {
            using var response = await Http.SendAsync(Request(HttpMethod.Get, Hub($"api/models/{model}?expand[]=inferenceProviderMapping")), timeout.Token).ConfigureAwait(false);
            body = Runtime.Redact(await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false));
            if (!response.IsSuccessStatusCode) throw MapError(response, body, call);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new ProviderException(FailureKind.Transient, Name, $"The Hugging Face Hub did not answer which providers serve {model}: {Runtime.Redact(ex.Message)}");
        }
        var routes = HuggingFaceRoute.Parse(TryParse(body));
        _mappings[model] = (routes, Time.GetUtcNow());
        return routes;
    }

    async Task<ProviderOutput> ReadImageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var type = response.Content.Headers.ContentType?.MediaType;
        if (type is not null && type.StartsWith("image/", StringComparison.Ordinal))
            return new ProviderOutput(OutputRole.Image, Bytes: await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false), ContentType: type);
        if (type == "application/json")
        {
            var json = TryParse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            if (Str(json?["data"]?[0]?["b64_json"]) is { } b64)
            {
                try { return new ProviderOutput(OutputRole.Image, Bytes: Convert.FromBase64String(b64), ContentType: "image/png"); }
                catch (FormatException) { throw new ProviderException(FailureKind.Transient, Name, "Hugging Face returned data[0].b64_json that is not valid base64."); }
            }
            if (Str(json?["images"]?[0]?["url"] ?? json?["data"]?[0]?["url"]) is { } url)
                return new ProviderOutput(OutputRole.Image, Url: url, ContentType: Str(json?["images"]?[0]?["content_type"]));
        }
        throw new ProviderException(FailureKind.Transient, Name, $"Hugging Face answered {type ?? "no content type"} instead of an image.");
    }

    async Task<string> ReadChatAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var json = await ReadJsonAsync(response, ct).ConfigureAwait(false);
        return Str(json["choices"]?[0]?["message"]?["content"]) is { Length: > 0 } text ? text.Trim()
            : throw new ProviderException(FailureKind.EmptyResponse, Name, "Hugging Face answered without choices[0].message.content.");
    }

    protected override ProviderException MapError(HttpResponseMessage response, string body, ProviderCall call)
    {
        // {"error": "Model X is currently loading", "estimated_time": 20.0}, {"error": ["..."]} or OpenAI-style {"error": {"message": "..."}}
        var json = TryParse(body);
        var error = json?["error"];
        var message = Str(error) ?? Str(error?["message"]) ?? (error as JsonArray)?.Select(e => e?.ToString()).FirstOrDefault() ?? body;
        TimeSpan? estimate = null;
        if (Num(json?["estimated_time"]) is { } seconds) estimate = TimeSpan.FromSeconds(seconds);
        FailureKind? kind = message.Contains("loading", StringComparison.OrdinalIgnoreCase) ? FailureKind.Overloaded : null;
        return Classified(response, message, call, kind, estimate);
    }

    public override async Task<IReadOnlyList<ProviderCheckResult>> CheckAsync(CancellationToken ct)
    {
        if (!IsConfigured) return [new(Name, "key", CheckStatus.NotConfigured, $"not configured: {ConfigurationHint}")];
        var results = new List<ProviderCheckResult>
        {
            await PingAsync("token", Hub("api/whoami-v2"), json => $"token accepted ({Str(json?["name"]) ?? "unknown user"})", ct).ConfigureAwait(false),
        };
        foreach (var (operation, models) in Models)
        {
            foreach (var model in models)
            {
                IReadOnlyList<HuggingFaceRoute> routes = [];
                var row = await PingAsync(model, Hub($"api/models/{model}?expand[]=inferenceProviderMapping"),
                    json => { routes = HuggingFaceRoute.Parse(json); return ""; }, ct).ConfigureAwait(false);
                results.Add(row.Status == CheckStatus.Ok ? Availability(operation, model, routes) : row);
            }
        }
        return results;
    }

    /// <summary>A 200 from the Hub only says the repository exists; the mapping says who actually serves it.</summary>
    ProviderCheckResult Availability(GenerationOperation operation, string model, IReadOnlyList<HuggingFaceRoute> routes)
    {
        var live = routes.Where(r => r.IsLive).ToList();
        if (live.Count == 0)
            return new(Name, model, CheckStatus.Warning, "the repository exists, but no inference provider serves it now; configure another model");
        if (operation != GenerationOperation.TextToImage)
            return new(Name, model, CheckStatus.Ok, $"served by {string.Join(", ", live.Select(r => $"{r.Provider} ({r.Task})"))}");
        var usable = live.Where(r => r.Task == "text-to-image" && HuggingFaceRoute.TextToImageProviders.Contains(r.Provider)).ToList();
        return usable.Count > 0
            ? new(Name, model, CheckStatus.Ok, $"text-to-image served by {string.Join(", ", usable.Select(r => r.Provider))}")
            : new(Name, model, CheckStatus.Warning, $"served only by providers this client does not speak for text-to-image: {string.Join(", ", live.Select(r => $"{r.Provider} ({r.Task})"))}");
    }
}
