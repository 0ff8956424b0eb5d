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
/// </summary>
public sealed class FakeReplicate : IAsyncDisposable
{
    public const string Key = "r8_SECRETreplicateToken999";
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

    public sealed class Prediction
    {
        public required string Id { get; init; }
        public required JsonNode Body { get; init; }
        public required string Path { get; init; }
        public int Gets;
        public bool Canceled;
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
                await Json(context, 200, new JsonObject { ["id"] = segments[6], ["openapi_schema"] = ReplicateModelSchemas.ForVersion(model).DeepClone() }.ToJsonString());
                return;
            }
            var schema = ReplicateModelSchemas.ByModel.GetValueOrDefault(model);
            await Json(context, 200, new JsonObject
            {
                ["owner"] = segments[3], ["name"] = segments[4],
                ["latest_version"] = schema is null ? null : new JsonObject { ["id"] = "dp-8e2e6f0a", ["openapi_schema"] = schema.DeepClone() },
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
            if (Invalid(path, JsonNode.Parse(request.Body)?["input"]) is var (field, description))
            {
                await Json(context, 422, new JsonObject
                {
                    ["title"] = "Input validation failed", ["detail"] = $"- {field}: {description}", ["status"] = 422,
                    ["invalid_fields"] = new JsonArray(new JsonObject { ["type"] = "invalid", ["field"] = field, ["description"] = description }),
                }.ToJsonString());
                return;
            }
            var id = $"pred{Interlocked.Increment(ref _next):D3}";
            var prediction = new Prediction { Id = id, Body = JsonNode.Parse(request.Body)!, Path = path };
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

    static string ModelOf(Prediction p) => p.Path.StartsWith("/v1/models/", StringComparison.Ordinal)
        ? string.Join('/', p.Path.Split('/')[3..5]) : "pinned-version";

    static JsonObject? SchemaOf(string createPath) => createPath.StartsWith("/v1/models/", StringComparison.Ordinal)
        ? ReplicateModelSchemas.ByModel.GetValueOrDefault(string.Join('/', createPath.Split('/')[3..5]))
        : ReplicateModelSchemas.ForVersion("pinned-version");

    static (string Field, string Description)? Invalid(string createPath, JsonNode? input)
        => SchemaOf(createPath) is { } schema ? ReplicateModelSchemas.Invalid(schema, input) : null;

    string Render(Prediction p, string status)
    {
        var o = new JsonObject
        {
            ["id"] = p.Id,
            ["model"] = ModelOf(p),
            ["version"] = "dp-8e2e6f0a",
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
        if (status == "succeeded")
        {
            var url = $"{Server.Root}/files/out-0.png";
            o["output"] = SchemaOf(p.Path) is { } schema && ReplicateModelSchemas.SingleOutput(schema) ? JsonValue.Create(url) : new JsonArray(url);
            o["metrics"] = new JsonObject { ["predict_time"] = 1.8 };
        }
        if (status == "failed") o["error"] = Error;
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
