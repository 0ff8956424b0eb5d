using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Likeness.Providers.Webhooks;
using Microsoft.AspNetCore.Http;

namespace Likeness.Providers.Tests.Fakes;

/// <summary>
/// fal.ai queue protocol on loopback: POST /{app}[/{sub}] → {request_id, status_url, response_url, cancel_url};
/// GET .../requests/{id}/status walks a scripted status list; GET .../requests/{id} → the model's output JSON;
/// PUT .../cancel; GET /v1/models?endpoint_id= (platform API); /files/* for outputs; webhooks on demand;
/// storage as fal-js uses it (libs/client/src/storage.ts, read 2026-12-05): POST /storage/upload/initiate
/// {content_type, file_name} → {upload_url, file_url}, then an unauthenticated PUT to the pre-signed upload_url.
/// Fault keys: "submit", "status", "result", "files", "upload".
/// </summary>
public sealed class FakeFal : IAsyncDisposable
{
    public const string Key = "fal-key-0123456789-SECRET";
    readonly ManualClock _clock;
    readonly ConcurrentDictionary<string, Job> _jobs = new();
    int _next;

    FakeFal(ManualClock clock) => _clock = clock;

    public LoopbackServer Server { get; private set; } = null!;
    public FaultScript Faults { get; } = new();
    public FileHost Files { get; } = new();
    /// <summary>
    /// Statuses each new job walks through, one per poll; the last repeats. fal has exactly three statuses, IN_QUEUE,
    /// IN_PROGRESS and COMPLETED (docs.fal.ai/documentation/model-apis/inference/queue, read 2026-12-05; fal-js
    /// QueueStatus). "COMPLETED:{error_type}:{message}" is a failed request: COMPLETED with error and error_type, and
    /// its result GET answers the typed error (see <see cref="FailedResult"/>).
    /// </summary>
    public List<string> Script { get; set; } = ["IN_QUEUE:2", "IN_QUEUE:1", "IN_PROGRESS", "COMPLETED"];
    /// <summary>Overrides the result JSON (e.g. nsfw flags or errors); {files} becomes the file base URL.</summary>
    public string? ResultOverride { get; set; }
    /// <summary>
    /// Images chosen by the test, one per image job in submit order (real photos, so the gates judge real pixels);
    /// empty = the canned 64x48 PNG.
    /// </summary>
    public Queue<byte[]> ImageReplies { get; } = new();
    /// <summary>Picks the reply from the request itself (model, input) when jobs run concurrently; null falls back to <see cref="ImageReplies"/>.</summary>
    public Func<string, JsonNode, byte[]?>? ReplyChooser { get; set; }
    /// <summary>Host put in status_url etc.; a foreign host tests that our key is never sent there.</summary>
    public string? QueueUrlHost { get; set; }
    public bool EchoKeyInErrors { get; set; }
    public List<string> KnownModels { get; } = ["fal-ai/flux-lora", "fal-ai/flux-lora/inpainting", "fal-ai/flux-lora-fast-training", "fal-ai/birefnet", "fal-ai/flux-general",
        FaceSwapModel, ImageToVideoModel, LipSyncModel];
    public const string FaceSwapModel = "fal-ai/face-swap";
    public const string ImageToVideoModel = "fal-ai/kling-video/v1/standard/image-to-video";
    public const string LipSyncModel = "fal-ai/sync-lipsync";
    public IReadOnlyDictionary<string, Job> Jobs => _jobs;
    /// <summary>Bytes PUT to storage, by file name.</summary>
    public ConcurrentDictionary<string, byte[]> Uploads { get; } = new();
    public string FilesBase => Server.Root + "/files";
    /// <summary>When set, webhooks carry fal's X-Fal-Webhook-* Ed25519 signature made with this private key.</summary>
    public (byte[] PrivateKey, string UserId)? WebhookSigner { get; set; }

    public static async Task<FakeFal> StartAsync(ManualClock clock)
    {
        var fake = new FakeFal(clock);
        fake.Files.Put("out-1.png", TestFiles.Png(64, 48));
        fake.Files.Put("mask-cut.png", TestFiles.Png(32, 32, 0, 0, 0));
        fake.Files.Put("lora.safetensors", TestFiles.Safetensors(), "application/octet-stream");
        fake.Server = await LoopbackServer.StartAsync(fake.HandleAsync, clock);
        return fake;
    }

    public sealed class Job
    {
        public required string Id { get; init; }
        public required string Model { get; init; }
        public required JsonNode Input { get; init; }
        public string? Webhook { get; init; }
        public int Polls;
        public bool Canceled;
        public string? ForcedStatus;
        public string? ReplyFile;
    }

    async Task HandleAsync(HttpContext context, RecordedRequest request)
    {
        var path = request.Path;
        if (await Files.TryServeAsync(context, path)) return;
        if (request.Method == "PUT" && path.StartsWith("/upload/", StringComparison.Ordinal))
        {
            if (await Faults.TryApplyAsync("upload", context)) return;
            var name = path["/upload/".Length..];
            Uploads[name] = (byte[])context.Items[LoopbackServer.RawBodyKey]!;
            Files.Put(name, Uploads[name], request.Header("content-type") ?? "application/octet-stream");
            context.Response.StatusCode = 200;
            return;
        }
        if (request.Header("authorization") != $"Key {Key}")
        {
            await Json(context, 401, EchoKeyInErrors ? $"{{\"detail\": \"Invalid key {request.Header("authorization")}\"}}" : "{\"detail\": \"Unauthorized\"}");
            return;
        }
        if (request.Method == "POST" && path == "/storage/upload/initiate")
        {
            var initiate = JsonNode.Parse(request.Body)!;
            var name = $"up-{Interlocked.Increment(ref _next):D4}-{initiate["file_name"]}";
            await Json(context, 200, $$"""{"upload_url": "{{Server.Root}}/upload/{{name}}", "file_url": "{{FilesBase}}/{{name}}"}""");
            return;
        }
        if (path.StartsWith("/v1/models", StringComparison.Ordinal))
        {
            var id = context.Request.Query["endpoint_id"].ToString();
            var models = KnownModels.Contains(id) ? $"[{{\"endpoint_id\": \"{id}\", \"metadata\": {{\"display_name\": \"{id}\"}}}}]" : "[]";
            await Json(context, 200, $"{{\"models\": {models}, \"has_more\": false}}");
            return;
        }
        var requestsAt = path.IndexOf("/requests/", StringComparison.Ordinal);
        if (request.Method == "POST" && requestsAt < 0)
        {
            if (await Faults.TryApplyAsync("submit", context)) return;
            var model = path.Trim('/');
            if (InvalidInput(model, JsonNode.Parse(request.Body)!) is { } invalid)
            {
                await Json(context, 422, invalid);
                return;
            }
            var id = $"req-{Interlocked.Increment(ref _next):D4}";
            var webhook = context.Request.Query["fal_webhook"].ToString();
            _jobs[id] = new Job { Id = id, Model = model, Input = JsonNode.Parse(request.Body)!, Webhook = webhook.Length > 0 ? webhook : null, ReplyFile = NextReply(id, model, JsonNode.Parse(request.Body)!) };
            var app = string.Join('/', model.Split('/').Take(2));
            var host = QueueUrlHost ?? Server.Root;
            await Json(context, 200, $$"""
                {"request_id": "{{id}}", "status_url": "{{host}}/{{app}}/requests/{{id}}/status",
                 "response_url": "{{host}}/{{app}}/requests/{{id}}", "cancel_url": "{{host}}/{{app}}/requests/{{id}}/cancel", "queue_position": 2}
                """);
            return;
        }
        var rest = path[(requestsAt + "/requests/".Length)..].Split('/');
        if (!_jobs.TryGetValue(rest[0], out var job)) { await Json(context, 404, "{\"detail\": \"Request not found\"}"); return; }
        if (rest.Length > 1 && rest[1] == "status")
        {
            if (await Faults.TryApplyAsync("status", context)) return;
            await Json(context, 200, StatusJson(job));
        }
        else if (rest.Length > 1 && rest[1] == "cancel")
        {
            job.Canceled = true;
            await Json(context, 202, "{\"status\": \"CANCELLATION_REQUESTED\"}");
        }
        else
        {
            if (await Faults.TryApplyAsync("result", context)) return;
            if (FailureOf(job) is var (type, message))
            {
                var (code, body, errorType) = FailedResult(type, message);
                if (errorType is not null) context.Response.Headers["X-Fal-Error-Type"] = errorType;
                context.Response.Headers["X-Fal-Retryable"] = "false";
                await Json(context, code, body);
                return;
            }
            await Json(context, 200, (ResultOverride ?? (job.ReplyFile is { } reply ? ReplyResult(job.Model, reply) : ResultFor(job.Model))).Replace("{files}", FilesBase));
        }
    }

    /// <summary>
    /// fal-ai/flux-general's schema for what the product sends (fal.ai/models/fal-ai/flux-general/api): controlnet_unions
    /// items {path, controls: [{control_image_url, control_mode in canny|tile|depth|blur|pose|gray|low-quality,
    /// conditioning_scale}]}; a wrong body gets fal's 422 with the field's loc.
    /// </summary>
    static string? InvalidInput(string model, JsonNode body)
    {
        string Error(string loc, string msg) => $$"""{"detail": [{"loc": ["body", {{loc}}], "msg": "{{msg}}", "type": "value_error"}]}""";
        // Required fields of the swap and video models (their llms.txt schemas on fal.ai, read 2026-12-06).
        string[] required = model switch
        {
            FaceSwapModel => ["base_image_url", "swap_image_url"],
            ImageToVideoModel => ["prompt", "image_url"],
            LipSyncModel => ["video_url", "audio_url"],
            _ => [],
        };
        if (required.FirstOrDefault(f => body[f]?.GetValue<string>() is not { Length: > 0 }) is { } missing) return Error($"\"{missing}\"", "field required");
        if (model == ImageToVideoModel && body["duration"]?.GetValue<string>() is { } duration && duration is not ("5" or "10"))
            return Error("\"duration\"", "value is not a valid enumeration member; permitted: '5', '10'");
        if (model == LipSyncModel && body["sync_mode"]?.GetValue<string>() is { } syncMode && syncMode is not ("cut_off" or "loop" or "bounce" or "silence" or "remap"))
            return Error("\"sync_mode\"", "value is not a valid enumeration member");
        if (model != "fal-ai/flux-general" || body["controlnet_unions"] is not JsonArray unions) return null;
        for (int u = 0; u < unions.Count; u++)
        {
            if (unions[u]?["path"]?.GetValue<string>() is not { Length: > 0 }) return Error($"\"controlnet_unions\", {u}, \"path\"", "field required");
            if (unions[u]?["controls"] is not JsonArray controls || controls.Count == 0) return Error($"\"controlnet_unions\", {u}, \"controls\"", "field required");
            for (int c = 0; c < controls.Count; c++)
            {
                if (controls[c]?["control_image_url"]?.GetValue<string>() is not { Length: > 0 })
                    return Error($"\"controlnet_unions\", {u}, \"controls\", {c}, \"control_image_url\"", "field required");
                var mode = controls[c]?["control_mode"]?.GetValue<string>();
                if (mode is not ("canny" or "tile" or "depth" or "blur" or "pose" or "gray" or "low-quality"))
                    return Error($"\"controlnet_unions\", {u}, \"controls\", {c}, \"control_mode\"", "value is not a valid enumeration member");
            }
        }
        return null;
    }

    string Step(Job job) => job.Canceled ? CanceledStep : job.ForcedStatus ?? Script[Math.Min(Math.Max(job.Polls - 1, 0), Script.Count - 1)];

    /// <summary>
    /// A request canceled before it ran ends COMPLETED with the request error type client_cancelled
    /// (docs.fal.ai/documentation/model-apis/request-errors, read 2026-12-05: "The request was cancelled by the client", 499).
    /// </summary>
    const string CanceledStep = "COMPLETED:client_cancelled:The request was cancelled by the client.";

    static (string Type, string Message)? FailureOfStep(string step)
    {
        var parts = step.Split(':', 3);
        return parts[0] == "COMPLETED" && parts.Length == 3 ? (parts[1], parts[2]) : null;
    }

    (string Type, string Message)? FailureOf(Job job) => FailureOfStep(Step(job));

    /// <summary>
    /// The result GET of a failed request. Request (infrastructure) errors: {"detail": "...", "error_type": "..."} with the
    /// typical status code and the X-Fal-Error-Type header (docs.fal.ai/documentation/model-apis/request-errors, read
    /// 2026-12-05). Model errors: 422 with detail[] items {loc, msg, type, url, input} (docs.fal.ai/documentation/model-apis/errors,
    /// read 2026-12-05; content_policy_violation's shape as in fal's error reference).
    /// </summary>
    static (int Code, string Body, string? ErrorType) FailedResult(string type, string message)
    {
        int? requestErrorCode = type switch
        {
            "request_timeout" or "startup_timeout" => 504,
            "runner_scheduling_failure" or "runner_connection_timeout" or "runner_disconnected" or "runner_connection_refused" or "runner_connection_error" => 503,
            "runner_incomplete_response" => 502,
            "runner_server_error" or "internal_error" => 500,
            "client_disconnected" or "client_cancelled" => 499,
            "bad_request" => 400,
            _ => null,
        };
        var escaped = JsonValue.Create(message)!.ToJsonString();
        if (requestErrorCode is { } code)
            return (code, $$"""{"detail": {{escaped}}, "error_type": "{{type}}"}""", type);
        return (422, $$"""{"detail": [{"loc": ["body", "prompt"], "msg": {{escaped}}, "type": "{{type}}", "url": "https://docs.fal.ai/errors#{{type}}", "input": "..."}]}""", null);
    }

    string StatusJson(Job job)
    {
        Interlocked.Increment(ref job.Polls);
        var step = Step(job);
        var parts = step.Split(':', 3);
        var urls = $"\"response_url\": \"{Server.Root}/x/requests/{job.Id}\"";
        return parts[0] switch
        {
            "IN_QUEUE" => $"{{\"status\": \"IN_QUEUE\", \"queue_position\": {parts[1]}, {urls}}}",
            "IN_PROGRESS" => $$"""{"status": "IN_PROGRESS", "logs": [{"message": "loading lora", "level": "INFO", "timestamp": "2026-01-15T12:00:01Z"}, {"message": "step 14/28", "level": "INFO", "timestamp": "2026-01-15T12:00:02Z"}], {{urls}}}""",
            "COMPLETED" when FailureOfStep(step) is var (type, message) =>
                $$"""{"status": "COMPLETED", "logs": [], "error": {{JsonValue.Create(message)!.ToJsonString()}}, "error_type": "{{type}}", {{urls}}}""",
            _ => $"{{\"status\": \"{parts[0]}\", \"logs\": [], \"metrics\": {{\"inference_time\": 2.5}}, {urls}}}",
        };
    }

    string? NextReply(string id, string model, JsonNode input)
    {
        if (model.Contains("training", StringComparison.Ordinal) || model.Contains("birefnet", StringComparison.Ordinal)) return null;
        lock (ImageReplies)
        {
            var bytes = ReplyChooser?.Invoke(model, input);
            if (bytes is null && !ImageReplies.TryDequeue(out bytes)) return null;
            var name = $"reply-{id}" + FakeReply.Extension(bytes);
            Files.Put(name, bytes, FakeReply.MimeType(bytes));
            return name;
        }
    }

    /// <summary>
    /// The model's output JSON around the reply file: video models answer {"video": File} (url, content_type, file_name,
    /// file_size), fal-ai/face-swap {"image": Image}, the FLUX models {"images": [Image], ...}.
    /// </summary>
    string ReplyResult(string model, string file)
    {
        var bytes = File(file);
        if (model is ImageToVideoModel or LipSyncModel)
            return new JsonObject { ["video"] = new JsonObject { ["url"] = "{files}/" + file, ["content_type"] = FakeReply.MimeType(bytes), ["file_name"] = file, ["file_size"] = bytes.Length } }.ToJsonString();
        if (model == FaceSwapModel)
        {
            var swapped = Likeness.Imaging.Codecs.ImageCodec.Identify(bytes);
            return new JsonObject { ["image"] = new JsonObject { ["url"] = "{files}/" + file, ["width"] = swapped.Width, ["height"] = swapped.Height, ["content_type"] = FakeReply.MimeType(bytes) } }.ToJsonString();
        }
        var info = Likeness.Imaging.Codecs.ImageCodec.Identify(File(file));
        return $$"""{"images": [{"url": "{files}/{{file}}", "width": {{info.Width}}, "height": {{info.Height}}, "content_type": "{{(file.EndsWith(".jpg", StringComparison.Ordinal) ? "image/jpeg" : "image/png")}}"}], "seed": 7, "has_nsfw_concepts": [false], "prompt": "p"}""";
    }

    byte[] File(string name) => Files.Get(name);

    static string ResultFor(string model) => model switch
    {
        "fal-ai/flux-lora-fast-training" => """{"diffusers_lora_file": {"url": "{files}/lora.safetensors", "content_type": "application/octet-stream", "file_name": "pytorch_lora_weights.safetensors", "file_size": 56}, "config_file": {"url": "{files}/config.json"}}""",
        "fal-ai/birefnet" => """{"image": {"url": "{files}/mask-cut.png", "content_type": "image/png", "width": 32, "height": 32}}""",
        _ => """{"images": [{"url": "{files}/out-1.png", "width": 64, "height": 48, "content_type": "image/png"}], "seed": 42, "has_nsfw_concepts": [false], "prompt": "p", "timings": {"inference": 2.1}}""",
    };

    /// <summary>Delivers a webhook as fal does ({request_id, status, payload, error}) to the URL given at submit.</summary>
    public async Task<HttpResponseMessage> SendWebhookAsync(string requestId, string status = "OK", string? overrideUrl = null)
    {
        var job = _jobs[requestId];
        var payload = status == "OK" ? ResultFor(job.Model).Replace("{files}", FilesBase) : "null";
        var body = $"{{\"request_id\": \"{requestId}\", \"gateway_request_id\": \"{requestId}\", \"status\": \"{status}\", \"payload\": {payload}, \"error\": {(status == "OK" ? "null" : "\"boom\"")}}}";
        return await PostWebhookAsync(overrideUrl ?? job.Webhook!, requestId, body);
    }

    /// <summary>Posts a webhook body as fal would (signed when <see cref="WebhookSigner"/> is set).</summary>
    public async Task<HttpResponseMessage> PostWebhookAsync(string url, string requestId, string body)
    {
        using var http = new HttpClient();
        var content = new StringContent(body, Encoding.UTF8, "application/json");
        if (WebhookSigner is var (key, user))
        {
            // Wall-clock time, as fal's: the receiver checks it against its own clock.
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            content.Headers.Add(FalWebhookHeaders.RequestIdHeader, requestId);
            content.Headers.Add(FalWebhookHeaders.UserIdHeader, user);
            content.Headers.Add(FalWebhookHeaders.TimestampHeader, timestamp);
            content.Headers.Add(FalWebhookHeaders.SignatureHeader, FalWebhookSignature.Sign(key, requestId, user, timestamp, Encoding.UTF8.GetBytes(body)));
        }
        return await http.PostAsync(url, content);
    }

    static async Task Json(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
