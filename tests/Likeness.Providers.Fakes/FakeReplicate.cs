using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Likeness.Providers.Tests.Fakes;

/// <summary>
/// Replicate predictions on loopback: POST /v1/models/{o}/{n}/predictions or /v1/predictions {version};
/// "Prefer: wait" finishes short predictions in the create call; GET /v1/predictions/{id} walks a status script;
/// POST .../cancel; /v1/account; GET /v1/models/{o}/{n} (latest_version.openapi_schema) and .../versions/{id}
/// (openapi_schema) from <see cref="ReplicateModelSchemas"/>, which also validate create inputs (422 invalid_fields) and
/// decide single-URI vs array outputs; GET /v1/webhooks/default/secret → {"key"} (replicate.com/docs/topics/webhooks/
/// verify-webhook, read 2026-12-05); /files/* outputs. Fault keys: "create", "get", "model".
/// comfyui/any-comfyui-workflow predictions have their workflow_json and input_file checked as the model would
/// (<see cref="FakeComfyUI"/>): a workflow it would refuse is created but ends "failed" with the model's message, as on
/// Replicate (its input schema only sees a string); a good one answers with the next of <see cref="ImageReplies"/>.
/// </summary>
public sealed class FakeReplicate : IAsyncDisposable
{
    public const string Key = "r8_SECRETreplicateToken999";
    public const string ComfyModel = "comfyui/any-comfyui-workflow";
    /// <summary>
    /// The latest version the fake publishes for <see cref="ComfyModel"/>. A community model runs by version only: its
    /// /v1/models/.../predictions endpoint is refused here (404; the wording of Replicate's real answer is not known).
    /// </summary>
    public const string ComfyVersion = "a7c3f1d2e9b84c05b6e1d0f2a3c4b5d6e7f8091a2b3c4d5e6f708192a3b4c5d6";
    const string OtherVersion = "dp-8e2e6f0a";
    readonly ConcurrentDictionary<string, Prediction> _predictions = new();
    int _next;

    public LoopbackServer Server { get; private set; } = null!;
    public FaultScript Faults { get; } = new();
    public FileHost Files { get; } = new();
    /// <summary>Statuses per GET after creation; the create answer uses the first (or the last when Prefer: wait and <see cref="FinishWithinWait"/>).</summary>
    public List<string> Script { get; set; } = ["starting", "processing", "succeeded"];
    public bool FinishWithinWait { get; set; }
    public string Error { get; set; } = "CUDA out of memory";
    public IReadOnlyDictionary<string, Prediction> Predictions => _predictions;
    public const string WebhookSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    /// <summary>Models GET /v1/models answers 404 for (as for a model that does not exist).</summary>
    public HashSet<string> MissingModels { get; } = [];
    /// <summary>
    /// Images chosen by the test, one per successful prediction in creation order (real photos, so the gates judge real
    /// pixels); empty = the canned 24x24 PNG.
    /// </summary>
    public Queue<byte[]> ImageReplies { get; } = new();
    /// <summary>Weights any-comfyui-workflow lacks in this test (its workflows naming them fail as the model's would).</summary>
    public HashSet<string> ComfyMissingWeights { get; } = [];

    public sealed class Prediction
    {
        public required string Id { get; init; }
        public required JsonNode Body { get; init; }
        public required string Path { get; init; }
        public string Model { get; init; } = "pinned-version";
        public int Gets;
        public bool Canceled;
        /// <summary>Why the model fails this prediction (a workflow it refuses); it ends "failed" with this error.</summary>
        public string? Failure;
        public string? ReplyFile;
        /// <summary>any-comfyui-workflow: the workflow as checked, and the bytes of input_file when it was a data URI.</summary>
        public FakeComfyUI.Checked? Workflow;
        public byte[]? InputFile;
    }

    public static async Task<FakeReplicate> StartAsync(ManualClock clock)
    {
        var fake = new FakeReplicate();
        fake.Files.Put("out-0.png", TestFiles.Png(24, 24));
        fake.Server = await LoopbackServer.StartAsync(fake.HandleAsync, clock);
        return fake;
    }

    public string BaseUrl => Server.Root + "/v1";

    async Task HandleAsync(HttpContext context, RecordedRequest request)
    {
        if (await Files.TryServeAsync(context, request.Path)) return;
        if (request.Header("authorization") != $"Bearer {Key}")
        {
            await Json(context, 401, """{"title": "Unauthenticated", "detail": "You did not pass a valid authentication token", "status": 401}""");
            return;
        }
        var path = request.Path;
        if (path == "/v1/account") { await Json(context, 200, """{"type": "user", "username": "tester", "name": "Tester"}"""); return; }
        if (path == "/v1/webhooks/default/secret") { await Json(context, 200, $$"""{"key": "{{WebhookSecret}}"}"""); return; }
        if (request.Method == "GET" && path.StartsWith("/v1/models/", StringComparison.Ordinal))
        {
            if (await Faults.TryApplyAsync("model", context)) return;
            var segments = path.Split('/');
            var model = $"{segments[3]}/{segments[4]}";
            if (MissingModels.Contains(model)) { await Json(context, 404, """{"detail": "Not found.", "status": 404}"""); return; }
            if (segments.Length > 6 && segments[5] == "versions")
            {
                var versionSchema = model == ComfyModel ? ReplicateModelSchemas.ByModel[ComfyModel] : ReplicateModelSchemas.ForVersion(model);
                await Json(context, 200, new JsonObject { ["id"] = segments[6], ["openapi_schema"] = versionSchema.DeepClone() }.ToJsonString());
                return;
            }
            var schema = ReplicateModelSchemas.ByModel.GetValueOrDefault(model);
            await Json(context, 200, new JsonObject
            {
                ["owner"] = segments[3], ["name"] = segments[4],
                ["latest_version"] = schema is null ? null : new JsonObject { ["id"] = model == ComfyModel ? ComfyVersion : OtherVersion, ["openapi_schema"] = schema.DeepClone() },
            }.ToJsonString());
            return;
        }
        if (request.Method == "POST" && path.EndsWith("/cancel", StringComparison.Ordinal))
        {
            var id = path.Split('/')[3];
            if (_predictions.TryGetValue(id, out var canceled)) canceled.Canceled = true;
            await Json(context, 200, Render(canceled!, "canceled"));
            return;
        }
        if (request.Method == "POST")
        {
            if (await Faults.TryApplyAsync("create", context)) return;
            var created = JsonNode.Parse(request.Body)!;
            var createdModel = ModelOf(path, created);
            if (createdModel == ComfyModel && path.StartsWith("/v1/models/", StringComparison.Ordinal))
            {
                await Json(context, 404, """{"detail": "Not found.", "status": 404}""");
                return;
            }
            if (Invalid(createdModel, created["input"]) is var (field, description))
            {
                await Json(context, 422, new JsonObject
                {
                    ["title"] = "Input validation failed", ["detail"] = $"- {field}: {description}", ["status"] = 422,
                    ["invalid_fields"] = new JsonArray(new JsonObject { ["type"] = "invalid", ["field"] = field, ["description"] = description }),
                }.ToJsonString());
                return;
            }
            var id = $"pred{Interlocked.Increment(ref _next):D3}";
            var prediction = new Prediction { Id = id, Body = created, Path = path, Model = createdModel };
            if (createdModel == ComfyModel)
            {
                var input = prediction.Body["input"];
                var (bytes, name) = InputFile(input?["input_file"]?.GetValue<string>());
                prediction.InputFile = bytes;
                (prediction.Workflow, prediction.Failure) = FakeComfyUI.Validate(input?["workflow_json"]?.GetValue<string>(), name, ComfyMissingWeights);
            }
            if (prediction.Failure is null)
                lock (ImageReplies)
                    if (ImageReplies.TryDequeue(out var reply))
                    {
                        prediction.ReplyFile = $"reply-{id}{FakeReply.Extension(reply)}";
                        Files.Put(prediction.ReplyFile, reply, FakeReply.MimeType(reply));
                    }
            _predictions[id] = prediction;
            var wait = request.Header("prefer")?.StartsWith("wait", StringComparison.Ordinal) == true;
            context.Response.StatusCode = 201;
            await Json(context, 201, Render(prediction, wait && FinishWithinWait ? Script[^1] : Script[0]));
            return;
        }
        if (path.StartsWith("/v1/predictions/", StringComparison.Ordinal) && _predictions.TryGetValue(path.Split('/')[3], out var p))
        {
            if (await Faults.TryApplyAsync("get", context)) return;
            var status = p.Canceled ? "canceled" : Script[Math.Min(1 + Interlocked.Increment(ref p.Gets) - 1, Script.Count - 1)];
            await Json(context, 200, Render(p, status));
            return;
        }
        await Json(context, 404, """{"detail": "Not found.", "status": 404}""");
    }

    /// <summary>The model a create runs: from the models endpoint's path, else from its version ("pinned-version" for any but ours).</summary>
    static string ModelOf(string createPath, JsonNode body) => createPath.StartsWith("/v1/models/", StringComparison.Ordinal)
        ? string.Join('/', createPath.Split('/')[3..5])
        : body["version"]?.GetValue<string>() is ComfyVersion or $"{ComfyModel}:{ComfyVersion}" ? ComfyModel : "pinned-version";

    /// <summary>
    /// Where cog-comfyui puts input_file: input + the file's extension (a data URI's from its MIME type, as Cog names
    /// the temp file); bytes only for data URIs.
    /// </summary>
    static (byte[]? Bytes, string? Name) InputFile(string? value)
    {
        if (string.IsNullOrEmpty(value)) return (null, null);
        if (value.StartsWith("data:", StringComparison.Ordinal))
        {
            var comma = value.IndexOf(',');
            var mime = value[5..value.IndexOfAny([';', ','])];
            var ext = mime switch { "image/png" => ".png", "image/jpeg" => ".jpg", "image/webp" => ".webp", _ => "" };
            return (Convert.FromBase64String(value[(comma + 1)..]), "input" + ext);
        }
        return (null, "input" + Path.GetExtension(new Uri(value).AbsolutePath));
    }

    static JsonObject? SchemaOf(string model) => model == "pinned-version"
        ? ReplicateModelSchemas.ForVersion(model) : ReplicateModelSchemas.ByModel.GetValueOrDefault(model);

    static (string Field, string Description)? Invalid(string model, JsonNode? input)
        => SchemaOf(model) is { } schema ? ReplicateModelSchemas.Invalid(schema, input) : null;

    string Render(Prediction p, string status)
    {
        var o = new JsonObject
        {
            ["id"] = p.Id,
            ["model"] = p.Model,
            ["version"] = p.Model == ComfyModel ? ComfyVersion : OtherVersion,
            ["input"] = p.Body["input"]?.DeepClone(),
            ["logs"] = status == "processing" ? "Using seed: 1\n0%|          | 0/4\n50%|#####     | 2/4" : "",
            ["status"] = status,
            ["created_at"] = "2026-01-15T12:00:00.000Z",
            ["urls"] = new JsonObject
            {
                ["get"] = $"{Server.Root}/v1/predictions/{p.Id}",
                ["cancel"] = $"{Server.Root}/v1/predictions/{p.Id}/cancel",
                ["stream"] = $"{Server.Root}/stream/{p.Id}",
            },
        };
        if (status == "succeeded" && p.Failure is not null)
        {
            status = "failed";
            o["status"] = status;
        }
        if (status == "succeeded")
        {
            var url = $"{Server.Root}/files/{p.ReplyFile ?? "out-0.png"}";
            o["output"] = SchemaOf(p.Model) is { } schema && ReplicateModelSchemas.SingleOutput(schema) ? JsonValue.Create(url) : new JsonArray(url);
            o["metrics"] = new JsonObject { ["predict_time"] = 1.8 };
        }
        if (status == "failed") o["error"] = p.Failure ?? Error;
        return o.ToJsonString();
    }

    static async Task Json(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
