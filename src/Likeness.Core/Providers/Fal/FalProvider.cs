using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Likeness.Providers.Policy;
using Likeness.Providers.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Likeness.Providers.Fal;

/// <summary>
/// fal.ai queue API: submit → poll status (IN_QUEUE with position → IN_PROGRESS with logs → COMPLETED) → fetch the result;
/// cancel on caller cancellation or deadline. Webhooks (fal_webhook=) only wake the poller. fal has no FAILED status: a failed
/// request is COMPLETED with error/error_type, and its result GET answers the typed error (see <see cref="FalErrors"/>).
/// </summary>
public sealed class FalProvider : HttpProviderBase<FalOptions>
{
    static readonly IReadOnlyDictionary<GenerationOperation, IReadOnlyList<string>> Defaults = new Dictionary<GenerationOperation, IReadOnlyList<string>>
    {
        [GenerationOperation.TextToImage] = ["fal-ai/flux-lora"],
        [GenerationOperation.Inpaint] = ["fal-ai/flux-lora/inpainting"],
        [GenerationOperation.TrainLora] = ["fal-ai/flux-lora-fast-training"],
        [GenerationOperation.RemoveBackground] = ["fal-ai/birefnet"],
        // FLUX.1 [dev] with ControlNets and LoRAs: the OpenPose skeleton through the union ControlNet's pose mode, the identity LoRA beside it.
        [GenerationOperation.PoseControl] = ["fal-ai/flux-general"],
        [GenerationOperation.FaceSwap] = ["fal-ai/face-swap"],
        [GenerationOperation.ImageToVideo] = ["fal-ai/kling-video/v1/standard/image-to-video"],
        [GenerationOperation.LipSync] = ["fal-ai/sync-lipsync"],
    };

    readonly WebhookInbox? _inbox;
    readonly FalUploader _uploader;

    public FalProvider(HttpClient http, IOptions<FalOptions> options, TimeProvider? time = null, ILogger<FalProvider>? log = null, WebhookInbox? inbox = null)
        : base("fal", "fal.ai", "set FAL_KEY (or Providers:Fal:ApiKey)", http, options.Value, Defaults, time, (ILogger?)log ?? NullLogger.Instance)
    {
        _inbox = string.IsNullOrEmpty(options.Value.WebhookUrl) ? null : inbox;
        _uploader = new FalUploader(http, Runtime, options.Value, (method, uri, body) => Request(method, uri, body));
    }

    public override string? Limitation(GenerationRequest request, string model)
        => request.ReferenceImages.Count > 0 && request.Operation == GenerationOperation.TextToImage
            ? "fal.ai flux-lora does not take reference images (use a trained LoRA for identity)" : null;

    protected override void Authorize(HttpRequestMessage request)
        => request.Headers.Authorization = new AuthenticationHeaderValue("Key", Options.ApiKey);

    public override async Task<ProviderOutcome> RunAsync(GenerationRequest request, string model, ProviderCall call, CancellationToken ct)
    {
        if (!this.Supports(request.Operation, model)) throw Unsupported(request, model);
        request = await _uploader.UploadInlineInputsAsync(request, call, ct).ConfigureAwait(false);
        var body = FalInputs.For(request, Options);
        var submitUri = Url(model + (Options.WebhookUrl is { Length: > 0 } hook ? "?fal_webhook=" + Uri.EscapeDataString(hook) : ""));
        var queued = await SendAsync(new ProviderHttpStep<JsonNode>(() => Request(HttpMethod.Post, submitUri, body), ReadJsonAsync), call, ct).ConfigureAwait(false);
        var id = Str(queued["request_id"]) ?? throw new ProviderException(FailureKind.Transient, Name, "fal.ai accepted the request but returned no request_id.");
        call.RequestId = id;
        var urls = new QueueUrls(this, model, id, queued);
        call.Report(ProviderPhase.Submitted);

        JsonNode completed;
        try
        {
            completed = await WaitUntilCompletedAsync(urls, call, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await CancelAsync(urls, call).ConfigureAwait(false);
            call.Report(ProviderPhase.Canceled, message: "canceled by the caller");
            throw;
        }
        if (Str(completed["error"]) is not null || Str(completed["error_type"]) is not null)
            throw await CompletedWithErrorAsync(urls, completed, call, ct).ConfigureAwait(false);
        var result = await SendAsync(new ProviderHttpStep<JsonNode>(() => Request(HttpMethod.Get, urls.Response), ReadJsonAsync, TakesRateToken: false), call, ct)
            .ConfigureAwait(false);
        var outcome = Outcome(request, id, result);
        call.Report(ProviderPhase.Succeeded);
        return outcome;
    }

    async Task<JsonNode> WaitUntilCompletedAsync(QueueUrls urls, ProviderCall call, CancellationToken ct)
    {
        int logsSeen = 0;
        while (true)
        {
            var status = await SendAsync(new ProviderHttpStep<JsonNode>(() => Request(HttpMethod.Get, urls.Status), ReadJsonAsync, TakesRateToken: false), call, ct)
                .ConfigureAwait(false);
            switch (Str(status["status"]))
            {
                case "IN_QUEUE":
                    call.Report(ProviderPhase.Queued, queuePosition: Num(status["queue_position"]) is { } position ? (int)position : null);
                    break;
                case "IN_PROGRESS":
                    var logs = (status["logs"] as JsonArray)?.Select(l => Str(l?["message"]) ?? "").ToList() ?? [];
                    call.Report(ProviderPhase.Running, logs: logs.Skip(logsSeen).ToList());
                    logsSeen = Math.Max(logsSeen, logs.Count);
                    break;
                case "COMPLETED":
                    return status;
                default:
                    throw new ProviderException(FailureKind.Transient, Name, $"fal.ai returned an unknown status '{Str(status["status"])}'.");
            }
            if (Time.GetUtcNow() >= call.Deadline)
            {
                await CancelAsync(urls, call).ConfigureAwait(false);
                throw new ProviderException(FailureKind.DeadlineExceeded, Name, "fal.ai did not finish before the step's deadline; the request was canceled.");
            }
            await WaitForNextPollAsync(_inbox, call.RequestId!, _inbox is null ? Options.PollInterval : Options.WebhookPollInterval, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A request that COMPLETED with an error: read the result once (no retries: the outcome is final) for the typed error
    /// body, falling back to the status's own error/error_type when that read fails.
    /// </summary>
    async Task<ProviderException> CompletedWithErrorAsync(QueueUrls urls, JsonNode completed, ProviderCall call, CancellationToken ct)
    {
        FalErrors.Classified error;
        int? status = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            using var response = await Http.SendAsync(Request(HttpMethod.Get, urls.Response), timeout.Token).ConfigureAwait(false);
            var body = Runtime.Redact(await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false));
            if (response.IsSuccessStatusCode) throw new HttpRequestException("the result of a failed request answered 2xx");
            status = (int)response.StatusCode;
            error = FalErrors.Classify(response.StatusCode, TryParse(body), body, HeaderOf(response, FalErrors.ErrorTypeHeader), HeaderOf(response, FalErrors.RetryableHeader));
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            var type = Str(completed["error_type"]);
            error = FalErrors.Classify(System.Net.HttpStatusCode.InternalServerError, new JsonObject { ["error_type"] = type }, Runtime.Redact(Str(completed["error"]) ?? "no reason given"), type, "false");
        }
        // The request ran to its end on fal's side: retrying the same call cannot change it (another route may).
        var kind = error.Kind is FailureKind.Transient or FailureKind.Overloaded or FailureKind.RateLimited ? FailureKind.ProviderFailed : error.Kind;
        error = error with { Kind = kind };
        var message = FalErrors.Describe(error);
        call.Report(ProviderPhase.Failed, message: message);
        return new ProviderException(kind, Name, message, status);
    }

    static string? HeaderOf(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>Best effort: fal only cancels requests that have not started; failure to cancel is logged, not thrown.</summary>
    async Task CancelAsync(QueueUrls urls, ProviderCall call)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var response = await Http.SendAsync(Request(HttpMethod.Put, urls.Cancel), timeout.Token).ConfigureAwait(false);
            Log.LogInformation("fal.ai cancel of {RequestId}: HTTP {Status}", call.RequestId, (int)response.StatusCode);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            Log.LogWarning("fal.ai cancel of {RequestId} failed: {Error}", call.RequestId, Runtime.Redact(ex.Message));
        }
    }

    ProviderOutcome Outcome(GenerationRequest request, string id, JsonNode result)
    {
        if (request.Operation == GenerationOperation.TrainLora)
        {
            var loraUrl = Str(result["diffusers_lora_file"]?["url"])
                ?? throw new ProviderException(FailureKind.EmptyResponse, Name, "fal.ai finished training but returned no diffusers_lora_file.url.");
            return new ProviderOutcome { RequestId = id, Outputs = [new ProviderOutput(OutputRole.LoraWeights, loraUrl)], Usage = new ProviderUsage(Runs: 1) };
        }
        if (request.Operation is GenerationOperation.ImageToVideo or GenerationOperation.LipSync)
        {
            var videoUrl = Str(result["video"]?["url"])
                ?? throw new ProviderException(FailureKind.EmptyResponse, Name, "fal.ai finished but returned no video.");
            var seconds = request.Operation == GenerationOperation.ImageToVideo
                ? double.Parse(FalInputs.KlingDuration(request.DurationSeconds), System.Globalization.CultureInfo.InvariantCulture)
                : request.DurationSeconds ?? 0;
            return new ProviderOutcome
            {
                RequestId = id, Outputs = [new ProviderOutput(OutputRole.Video, videoUrl, ContentType: Str(result["video"]?["content_type"]))],
                Usage = new ProviderUsage(VideoSeconds: seconds),
            };
        }
        var images = result["images"] is JsonArray array ? array.ToList() : result["image"] is { } single ? [single] : [];
        if (result["has_nsfw_concepts"] is JsonArray flags && flags.Count > 0 && flags.All(f => Bool(f) == true))
            throw new ProviderException(FailureKind.SafetyBlock, Name, "fal.ai's safety checker blocked the image. Change the prompt or references.");
        var outputs = images.Select(i => new ProviderOutput(OutputRole.Image, Str(i?["url"]), ContentType: Str(i?["content_type"])))
            .Where(o => o.Url is not null).ToList();
        if (outputs.Count == 0) throw new ProviderException(FailureKind.EmptyResponse, Name, "fal.ai finished but returned no image.");
        double megapixels = images.Sum(i => (Num(i?["width"]) ?? request.Width) * (Num(i?["height"]) ?? request.Height)) / 1_000_000;
        return new ProviderOutcome { RequestId = id, Outputs = outputs, Usage = new ProviderUsage(Images: outputs.Count, Megapixels: megapixels) };
    }

    protected override ProviderException MapError(HttpResponseMessage response, string body, ProviderCall call)
    {
        var error = FalErrors.Classify(response.StatusCode, TryParse(body), body,
            HeaderOf(response, FalErrors.ErrorTypeHeader), HeaderOf(response, FalErrors.RetryableHeader));
        return error.Kind switch
        {
            FailureKind.Rejected or FailureKind.SafetyBlock or FailureKind.ProviderFailed
                => new ProviderException(error.Kind, Name, FalErrors.Describe(error), (int)response.StatusCode),
            _ => Classified(response, error.Message, call, error.Kind),
        };
    }

    public override async Task<IReadOnlyList<ProviderCheckResult>> CheckAsync(CancellationToken ct)
    {
        if (!IsConfigured) return [new(Name, "key", CheckStatus.NotConfigured, $"not configured: {ConfigurationHint}")];
        var platform = new Uri(Options.PlatformBaseUrl.TrimEnd('/') + "/");
        var results = new List<ProviderCheckResult>();
        foreach (var model in Models.Values.SelectMany(m => m).Distinct())
        {
            results.Add(await PingAsync(model, new Uri(platform, "models?endpoint_id=" + Uri.EscapeDataString(model)),
                json => json?["models"] is JsonArray { Count: 0 } ? "key accepted, but the model is not listed" : "key accepted, model available", ct).ConfigureAwait(false));
        }
        return results.Select(r => r.Detail.StartsWith("key accepted, but", StringComparison.Ordinal) ? r with { Status = CheckStatus.Failed } : r).ToList();
    }

    /// <summary>Queue URLs for one request; taken from fal's answer only when they point at the configured API host.</summary>
    sealed class QueueUrls
    {
        public QueueUrls(FalProvider fal, string model, string id, JsonNode queued)
        {
            // Status/result/cancel live under the app id (owner/name), without any subpath like "/inpainting".
            var app = string.Join('/', model.Split('/').Take(2));
            var root = $"{app}/requests/{Uri.EscapeDataString(id)}";
            Status = Pick(fal, Str(queued["status_url"]), root + "/status") is var s ? new Uri(s + (s.Contains('?') ? "&" : "?") + "logs=1") : null!;
            Response = new Uri(Pick(fal, Str(queued["response_url"]), root));
            Cancel = new Uri(Pick(fal, Str(queued["cancel_url"]), root + "/cancel"));
        }

        public Uri Status { get; }
        public Uri Response { get; }
        public Uri Cancel { get; }

        static string Pick(FalProvider fal, string? given, string fallbackPath)
        {
            if (given is not null && fal.IsOwnApi(given)) return given;
            if (given is not null) fal.Log.LogWarning("fal.ai returned a queue URL on another host; using the configured API host instead");
            return fal.Url(fallbackPath).ToString();
        }
    }
}
