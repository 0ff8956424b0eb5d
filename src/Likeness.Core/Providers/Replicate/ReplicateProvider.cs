using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Likeness.Providers.Policy;
using Likeness.Providers.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Likeness.Providers.Replicate;

/// <summary>
/// Replicate predictions: create (Prefer: wait) → poll urls.get (starting → processing → succeeded | failed | canceled | aborted);
/// cancel on caller cancellation or deadline. Webhooks only wake the poller.
/// Models are "owner/name" (official models endpoint) or "owner/name:version"; any-comfyui-workflow by name runs its
/// latest version (see <see cref="RunsByLatestVersion"/>).
/// </summary>
public sealed class ReplicateProvider : HttpProviderBase<ReplicateOptions>
{
    static readonly IReadOnlyDictionary<GenerationOperation, IReadOnlyList<string>> Defaults = new Dictionary<GenerationOperation, IReadOnlyList<string>>
    {
        [GenerationOperation.TextToImage] = ["black-forest-labs/flux-schnell", "black-forest-labs/flux-dev"],
        [GenerationOperation.ImageEdit] = ["black-forest-labs/flux-kontext-pro"],
        [GenerationOperation.Inpaint] = ["black-forest-labs/flux-fill-pro"],
        // A ComfyUI graph of FLUX.1 [dev] + the identity LoRA by URL + the FLUX union ControlNet in pose mode (ComfyPoseWorkflow).
        [GenerationOperation.PoseControl] = [ComfyPoseWorkflow.Model],
    };

    static readonly TimeSpan SchemaLifetime = TimeSpan.FromHours(1);
    readonly WebhookInbox? _inbox;
    readonly ConcurrentDictionary<string, (ReplicateInputSchema? Schema, string? LatestVersion, DateTimeOffset At)> _schemas = new(StringComparer.Ordinal);

    public ReplicateProvider(HttpClient http, IOptions<ReplicateOptions> options, TimeProvider? time = null, ILogger<ReplicateProvider>? log = null, WebhookInbox? inbox = null)
        : base("replicate", "Replicate", "set REPLICATE_API_TOKEN (or Providers:Replicate:ApiKey)", http, options.Value, Defaults, time, (ILogger?)log ?? NullLogger.Instance)
    {
        _inbox = string.IsNullOrEmpty(options.Value.WebhookUrl) ? null : inbox;
    }

    /// <summary>
    /// The ComfyUI pose workflow takes LoRAs (by URL) and, like fal's flux-general, no reference photos: the likeness
    /// travels in the LoRA, references are not sent. The model downloads each LoRA itself, so it needs an http(s) URL.
    /// </summary>
    public override string? Limitation(GenerationRequest request, string model)
        => request.Operation == GenerationOperation.PoseControl && ComfyPoseWorkflow.Runs(model)
            ? request.Loras.FirstOrDefault(l => !l.Path.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && !l.Path.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) is { } local
                ? $"{model} downloads LoRAs by http(s) URL, and '{local.Path}' is not one" : null
            : request.Loras.Count > 0 ? "the configured Replicate models do not take LoRAs"
            : request.ReferenceImages.Count > 0 ? "the configured Replicate models do not take reference images" : null;

    protected override void Authorize(HttpRequestMessage request)
        => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Options.ApiKey);

    public override async Task<ProviderOutcome> RunAsync(GenerationRequest request, string model, ProviderCall call, CancellationToken ct)
    {
        if (!this.Supports(request.Operation, model)) throw Unsupported(request, model);
        var (schema, latestVersion) = await SchemaAsync(model, call, ct).ConfigureAwait(false);
        var (create, body) = CreateRequest(request, model, schema, latestVersion);
        var prediction = await SendAsync(new ProviderHttpStep<JsonNode>(() =>
        {
            var message = Request(HttpMethod.Post, create, body);
            if (Options.PreferWaitSeconds > 0) message.Headers.Add("Prefer", $"wait={Math.Clamp(Options.PreferWaitSeconds, 1, 60)}");
            return message;
        }, ReadJsonAsync), call, ct).ConfigureAwait(false);
        var id = Str(prediction["id"]) ?? throw new ProviderException(FailureKind.Transient, Name, "Replicate created a prediction without an id.");
        call.RequestId = id;
        call.Report(ProviderPhase.Submitted);
        var get = OwnUrl(Str(prediction["urls"]?["get"]), $"predictions/{Uri.EscapeDataString(id)}");
        var cancel = OwnUrl(Str(prediction["urls"]?["cancel"]), $"predictions/{Uri.EscapeDataString(id)}/cancel");

        try
        {
            while (!IsTerminal(Report(prediction, call)))
            {
                if (Time.GetUtcNow() >= call.Deadline)
                {
                    await CancelAsync(cancel, call).ConfigureAwait(false);
                    throw new ProviderException(FailureKind.DeadlineExceeded, Name, "Replicate did not finish before the step's deadline; the prediction was canceled.");
                }
                await WaitForNextPollAsync(_inbox, id, _inbox is null ? Options.PollInterval : Options.WebhookPollInterval, ct).ConfigureAwait(false);
                prediction = await SendAsync(new ProviderHttpStep<JsonNode>(() => Request(HttpMethod.Get, get), ReadJsonAsync, TakesRateToken: false), call, ct)
                    .ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await CancelAsync(cancel, call).ConfigureAwait(false);
            call.Report(ProviderPhase.Canceled, message: "canceled by the caller");
            throw;
        }
        var outcome = Outcome(request, id, prediction);
        call.Report(ProviderPhase.Succeeded);
        return outcome;
    }

    /// <summary>
    /// The model's input schema (null when the model publishes none) and its latest version id, fetched once an hour per model.
    /// </summary>
    async Task<(ReplicateInputSchema? Schema, string? LatestVersion)> SchemaAsync(string model, ProviderCall call, CancellationToken ct)
    {
        if (_schemas.TryGetValue(model, out var cached) && Time.GetUtcNow() - cached.At < SchemaLifetime) return (cached.Schema, cached.LatestVersion);
        var json = await SendAsync(new ProviderHttpStep<JsonNode>(() => Request(HttpMethod.Get, Url(ModelPath(model))), ReadJsonAsync, TakesRateToken: false), call, ct)
            .ConfigureAwait(false);
        var schema = ReplicateInputSchema.From(json);
        if (schema is null) Log.LogWarning("Replicate model {Model} publishes no input schema; its inputs are sent unchecked", model);
        var latest = Str(json["latest_version"]?["id"]);
        _schemas[model] = (schema, latest, Time.GetUtcNow());
        return (schema, latest);
    }

    static string ModelPath(string model)
    {
        var colon = model.IndexOf(':');
        return colon < 0 ? $"models/{model}" : $"models/{model[..colon]}/versions/{model[(colon + 1)..]}";
    }

    /// <summary>
    /// The signing secret of the account's default webhook (GET /v1/webhooks/default/secret → {"key": "whsec_…"};
    /// replicate.com/docs/topics/webhooks/verify-webhook, read 2026-12-05).
    /// </summary>
    public async Task<string> FetchWebhookSigningSecretAsync(CancellationToken ct)
    {
        if (!IsConfigured) throw new ProviderException(FailureKind.NotConfigured, Name, $"Replicate is not configured: {ConfigurationHint}.");
        var call = new ProviderCall(Name, "webhooks", Time.GetUtcNow() + TimeSpan.FromMinutes(1), null);
        var json = await SendAsync(new ProviderHttpStep<JsonNode>(() => Request(HttpMethod.Get, Url("webhooks/default/secret")), ReadJsonAsync), call, ct).ConfigureAwait(false);
        return Str(json["key"]) is { Length: > 0 } key ? key
            : throw new ProviderException(FailureKind.EmptyResponse, Name, "Replicate answered the webhook secret request without a key.");
    }

    /// <summary>
    /// Community models run by version: "owner/name" alone is taken for official models only (POST /v1/predictions and
    /// /v1/models/{owner}/{name}/predictions; replicate.com/changelog/2025-08-05-run-all-models-with-the-same-api-endpoint).
    /// any-comfyui-workflow is billed by time, like community models, so an unpinned name runs its latest version.
    /// </summary>
    static bool RunsByLatestVersion(string model) => !model.Contains(':') && ComfyPoseWorkflow.Runs(model);

    (Uri, JsonObject) CreateRequest(GenerationRequest request, string model, ReplicateInputSchema? schema, string? latestVersion)
    {
        var input = ReplicateInputs.For(request, model, schema);
        if (schema is not null)
        {
            var (checkedInput, dropped) = schema.Apply(input, model);
            if (dropped.Count > 0) Log.LogInformation("Replicate model {Model} has no input {Fields}; not sent", model, string.Join(", ", dropped));
            input = checkedInput;
        }
        var body = new JsonObject { ["input"] = input };
        if (Options.WebhookUrl is { Length: > 0 } hook)
        {
            body["webhook"] = hook;
            body["webhook_events_filter"] = new JsonArray("start", "completed");
        }
        if (RunsByLatestVersion(model))
        {
            body["version"] = latestVersion ?? throw new ProviderException(FailureKind.ModelUnavailable, Name,
                $"Replicate model {model} has no published version to run; pin one as {model}:<version> under Providers:Replicate:Models.");
            return (Url("predictions"), body);
        }
        var colon = model.IndexOf(':');
        if (colon < 0) return (Url($"models/{model}/predictions"), body);
        body["version"] = model[(colon + 1)..];
        return (Url("predictions"), body);
    }

    static bool IsTerminal(string? status) => status is "succeeded" or "failed" or "canceled" or "aborted";

    static string? Report(JsonNode prediction, ProviderCall call)
    {
        var status = Str(prediction["status"]);
        switch (status)
        {
            case "starting": call.Report(ProviderPhase.Queued); break;
            case "processing":
                var logs = Str(prediction["logs"])?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(5).ToList();
                call.Report(ProviderPhase.Running, logs: logs);
                break;
        }
        return status;
    }

    ProviderOutcome Outcome(GenerationRequest request, string id, JsonNode prediction)
    {
        var status = Str(prediction["status"]);
        var error = Runtime.Redact(Str(prediction["error"]) ?? "");
        switch (status)
        {
            case "failed":
                var nsfw = error.Contains("nsfw", StringComparison.OrdinalIgnoreCase) || error.Contains("sensitive", StringComparison.OrdinalIgnoreCase);
                throw new ProviderException(nsfw ? FailureKind.SafetyBlock : FailureKind.ProviderFailed, Name,
                    nsfw ? $"Replicate's safety check blocked the output: {HttpFailures.Trim(error)}" : $"Replicate's model failed: {HttpFailures.Trim(error.Length > 0 ? error : "no reason given")}");
            case "canceled":
                throw new ProviderException(FailureKind.ProviderFailed, Name, "Replicate reports the prediction was canceled on its side.");
            case "aborted":
                throw new ProviderException(FailureKind.ProviderFailed, Name, "Replicate aborted the prediction before it ran (its deadline passed). Try again.");
        }
        var output = prediction["output"];
        var items = output is JsonArray array ? array.Select(Str).Where(s => s is not null).Cast<string>().ToList() : Str(output) is { } one ? [one] : [];
        var seconds = Num(prediction["metrics"]?["predict_time"]) ?? 0;
        if (request.Operation == GenerationOperation.DescribeImage)
        {
            var text = string.Concat(items).Trim();
            if (text.Length == 0) throw new ProviderException(FailureKind.EmptyResponse, Name, "Replicate's model returned no text.");
            return new ProviderOutcome { RequestId = id, Text = text, Usage = new ProviderUsage(Seconds: seconds) };
        }
        if (items.Count == 0) throw new ProviderException(FailureKind.EmptyResponse, Name, "Replicate's model succeeded but returned no output.");
        return new ProviderOutcome
        {
            RequestId = id,
            Outputs = items.Select(u => new ProviderOutput(OutputRole.Image, u)).ToList(),
            Usage = new ProviderUsage(Images: items.Count, Seconds: seconds),
        };
    }

    Uri OwnUrl(string? given, string fallback) => given is not null && IsOwnApi(given) ? new Uri(given) : Url(fallback);

    async Task CancelAsync(Uri cancel, ProviderCall call)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var response = await Http.SendAsync(Request(HttpMethod.Post, cancel), timeout.Token).ConfigureAwait(false);
            Log.LogInformation("Replicate cancel of {RequestId}: HTTP {Status}", call.RequestId, (int)response.StatusCode);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            Log.LogWarning("Replicate cancel of {RequestId} failed: {Error}", call.RequestId, Runtime.Redact(ex.Message));
        }
    }

    protected override ProviderException MapError(HttpResponseMessage response, string body, ProviderCall call)
    {
        // Problem JSON: {"title": "...", "detail": "...", "status": 422, "invalid_fields": [{"field", "description"}]}
        var json = TryParse(body);
        var detail = Str(json?["detail"]) ?? Str(json?["title"]) ?? body;
        var invalid = (json?["invalid_fields"] as JsonArray)?.FirstOrDefault();
        if (invalid is not null) detail = $"{Str(invalid["field"])}: {Str(invalid["description"])}";
        return Classified(response, detail, call);
    }

    public override async Task<IReadOnlyList<ProviderCheckResult>> CheckAsync(CancellationToken ct)
    {
        if (!IsConfigured) return [new(Name, "key", CheckStatus.NotConfigured, $"not configured: {ConfigurationHint}")];
        var results = new List<ProviderCheckResult>
        {
            await PingAsync("token", Url("account"), json => $"token accepted ({Str(json?["username"]) ?? "unknown account"})", ct).ConfigureAwait(false),
        };
        foreach (var model in Models.Values.SelectMany(m => m).Distinct())
        {
            var row = await PingAsync(model, Url(ModelPath(model)), json => json?["openapi_schema"] is not null ? "version available"
                : json?["latest_version"]?["id"] is { } version ? $"model available (latest version {Str(version)?[..Math.Min(8, Str(version)?.Length ?? 0)]})"
                : "NO-VERSION", ct).ConfigureAwait(false);
            results.Add(row.Detail == "NO-VERSION"
                ? row with { Status = CheckStatus.Warning, Detail = "the model exists but has no published version to run" }
                : row.Status == CheckStatus.Failed && row.Detail.StartsWith("not found", StringComparison.Ordinal)
                    ? row with { Detail = "not found (HTTP 404): no such model or version on Replicate; check Providers:Replicate:Models" }
                    : row);
        }
        return results;
    }
}
