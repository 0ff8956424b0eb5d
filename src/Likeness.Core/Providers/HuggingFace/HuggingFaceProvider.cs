using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Likeness.Providers.Policy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Likeness.Providers.HuggingFace;

/// <summary>
/// Hugging Face Inference: synchronous POST /models/{id}. Text-to-image answers raw image bytes; image-to-text
/// answers [{generated_text}]. 503 "model is loading" carries estimated_time; 429 carries RateLimit headers.
/// </summary>
public sealed class HuggingFaceProvider : HttpProviderBase<HuggingFaceOptions>
{
    static readonly IReadOnlyDictionary<GenerationOperation, IReadOnlyList<string>> Defaults = new Dictionary<GenerationOperation, IReadOnlyList<string>>
    {
        [GenerationOperation.TextToImage] = ["black-forest-labs/FLUX.1-schnell"],
        [GenerationOperation.DescribeImage] = ["Salesforce/blip-image-captioning-large"],
    };

    public HuggingFaceProvider(HttpClient http, IOptions<HuggingFaceOptions> options, TimeProvider? time = null, ILogger<HuggingFaceProvider>? log = null)
        : base("huggingface", "Hugging Face", "set HF_TOKEN (or Providers:HuggingFace:ApiKey)", http, options.Value, Defaults, time, (ILogger?)log ?? NullLogger.Instance)
    {
    }

    public override string? Limitation(GenerationRequest request, string model)
        => request.Loras.Count > 0 || request.ReferenceImages.Count > 0 ? "Hugging Face text-to-image takes neither LoRAs nor reference images here"
            : request.ImageCount > 1 ? "Hugging Face returns one image per call" : null;

    protected override void Authorize(HttpRequestMessage request)
        => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Options.ApiKey);

    public override async Task<ProviderOutcome> RunAsync(GenerationRequest request, string model, ProviderCall call, CancellationToken ct)
    {
        if (!this.Supports(request.Operation, model)) throw Unsupported(request, model);
        var uri = Url("models/" + model);
        call.Report(ProviderPhase.Submitted);
        ProviderOutcome outcome;
        if (request.Operation == GenerationOperation.DescribeImage)
        {
            if (request.Image?.Bytes is not { } image)
                throw new ProviderException(FailureKind.Rejected, Name, "Hugging Face needs the image's bytes, not a URL.");
            var text = await SendAsync(new ProviderHttpStep<string>(() =>
            {
                var message = Request(HttpMethod.Post, uri);
                message.Content = new ByteArrayContent(image);
                message.Content.Headers.ContentType = new MediaTypeHeaderValue(request.Image.MimeType);
                return message;
            }, ReadCaptionAsync), call, ct).ConfigureAwait(false);
            outcome = new ProviderOutcome { Text = text, Usage = new ProviderUsage(Runs: 1) };
        }
        else
        {
            var body = TextToImageBody(request);
            var (bytes, contentType) = await SendAsync(new ProviderHttpStep<(byte[], string?)>(() =>
            {
                var message = Request(HttpMethod.Post, uri, body);
                message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("image/png"));
                return message;
            }, ReadImageAsync), call, ct).ConfigureAwait(false);
            outcome = new ProviderOutcome
            {
                Outputs = [new ProviderOutput(OutputRole.Image, Bytes: bytes, ContentType: contentType)],
                Usage = new ProviderUsage(Images: 1, Megapixels: request.Width * (double)request.Height / 1_000_000),
            };
        }
        call.Report(ProviderPhase.Succeeded);
        return outcome;
    }

    static JsonObject TextToImageBody(GenerationRequest r)
    {
        var parameters = new JsonObject { ["width"] = r.Width, ["height"] = r.Height };
        if (r.Steps is { } steps) parameters["num_inference_steps"] = steps;
        if (r.GuidanceScale is { } guidance) parameters["guidance_scale"] = guidance;
        if (r.Seed is { } seed) parameters["seed"] = seed;
        return new JsonObject { ["inputs"] = r.Prompt, ["parameters"] = parameters };
    }

    async Task<(byte[], string?)> ReadImageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var type = response.Content.Headers.ContentType?.MediaType;
        if (type is null || !type.StartsWith("image/", StringComparison.Ordinal))
            throw new ProviderException(FailureKind.Transient, Name, $"Hugging Face answered {type ?? "no content type"} instead of an image.");
        return (await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false), type);
    }

    async Task<string> ReadCaptionAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var json = await ReadJsonAsync(response, ct).ConfigureAwait(false);
        var first = json is JsonArray array ? array.FirstOrDefault() : json;
        return Str(first?["generated_text"]) is { Length: > 0 } text ? text.Trim()
            : throw new ProviderException(FailureKind.EmptyResponse, Name, "Hugging Face answered without generated_text.");
    }

    protected override ProviderException MapError(HttpResponseMessage response, string body, ProviderCall call)
    {
        // {"error": "Model X is currently loading", "estimated_time": 20.0} or {"error": ["..."]}
        var json = TryParse(body);
        var error = json?["error"];
        var message = Str(error) ?? (error as JsonArray)?.Select(e => e?.ToString()).FirstOrDefault() ?? body;
        TimeSpan? estimate = null;
        if (Num(json?["estimated_time"]) is { } seconds) estimate = TimeSpan.FromSeconds(seconds);
        FailureKind? kind = message.Contains("loading", StringComparison.OrdinalIgnoreCase) ? FailureKind.Overloaded : null;
        return Classified(response, message, call, kind, estimate);
    }

    public override async Task<IReadOnlyList<ProviderCheckResult>> CheckAsync(CancellationToken ct)
    {
        if (!IsConfigured) return [new(Name, "key", CheckStatus.NotConfigured, $"not configured: {ConfigurationHint}")];
        var hub = new Uri(Options.HubBaseUrl.TrimEnd('/') + "/");
        var results = new List<ProviderCheckResult>
        {
            await PingAsync("token", new Uri(hub, "api/whoami-v2"), json => $"token accepted ({Str(json?["name"]) ?? "unknown user"})", ct).ConfigureAwait(false),
        };
        foreach (var model in Models.Values.SelectMany(m => m).Distinct())
            results.Add(await PingAsync(model, new Uri(hub, "api/models/" + model), _ => "model available", ct).ConfigureAwait(false));
        return results;
    }
}
