using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Likeness.Providers.Tests.Fakes;

/// <summary>
/// Hugging Face on loopback, router and Hub on one server (Bearer token):
/// POST /hf-inference/models/{id} → raw image bytes; POST /{nebius|together|nscale}/v1/images/generations →
/// {data: [{b64_json}]}; POST /fal-ai/{providerId} → {images: [{url}]}; POST /v1/chat/completions → choices[0].message.content
/// (huggingface.js packages/inference/src/providers/*.ts, read 2026-12-05). Hub: /api/whoami-v2 and
/// /api/models/{id}?expand[]=inferenceProviderMapping → {inferenceProviderMapping: {provider: {providerId, status, task}}}
/// (huggingface.js src/lib/getInferenceProviderMapping.ts, read 2026-12-05). Fault key: the model id.
/// </summary>
public sealed class FakeHuggingFace : IAsyncDisposable
{
    public const string Key = "hf_SECRETtoken1234567890";
    public static readonly byte[] Image = TestFiles.Png(40, 30);

    public LoopbackServer Server { get; private set; } = null!;
    public FaultScript Faults { get; } = new();
    public FileHost Files { get; } = new();
    public bool AnswerJsonInsteadOfImage { get; set; }
    /// <summary>Inference calls only (POSTs), without the Hub mapping look-ups.</summary>
    public IReadOnlyList<RecordedRequest> Inference => Server.Requests.Where(r => r.Method == "POST").ToList();

    /// <summary>
    /// Who serves which model. FLUX.1-schnell is served by hf-inference here so the byte-answer path stays the default
    /// scenario; BLIP has a repository but no live provider any more (the finding; huggingface.co/docs/inference-providers).
    /// </summary>
    public Dictionary<string, JsonObject> Mappings { get; } = new(StringComparer.Ordinal)
    {
        ["black-forest-labs/FLUX.1-schnell"] = Mapping(("hf-inference", "black-forest-labs/FLUX.1-schnell", "live", "text-to-image")),
        ["Qwen/Qwen2.5-VL-7B-Instruct"] = Mapping(("nebius", "Qwen/Qwen2.5-VL-72B-Instruct", "live", "conversational")),
        ["Salesforce/blip-image-captioning-large"] = Mapping(),
    };

    public static JsonObject Mapping(params (string Provider, string ProviderId, string Status, string Task)[] routes)
    {
        var o = new JsonObject();
        foreach (var r in routes) o[r.Provider] = new JsonObject { ["providerId"] = r.ProviderId, ["status"] = r.Status, ["task"] = r.Task };
        return o;
    }

    public static async Task<FakeHuggingFace> StartAsync(ManualClock clock)
    {
        var fake = new FakeHuggingFace();
        fake.Files.Put("fal-out.png", Image);
        fake.Server = await LoopbackServer.StartAsync(fake.HandleAsync, clock);
        return fake;
    }

    async Task HandleAsync(HttpContext context, RecordedRequest request)
    {
        if (await Files.TryServeAsync(context, request.Path)) return;
        if (request.Header("authorization") != $"Bearer {Key}")
        {
            await Json(context, 401, """{"error": "Invalid credentials in Authorization header"}""");
            return;
        }
        var path = request.Path;
        if (path == "/api/whoami-v2") { await Json(context, 200, """{"type": "user", "name": "tester"}"""); return; }
        if (path.StartsWith("/api/models/", StringComparison.Ordinal))
        {
            var id = path["/api/models/".Length..];
            if (!Mappings.TryGetValue(id, out var mapping)) { await Json(context, 404, """{"error": "Repository not found"}"""); return; }
            var expand = context.Request.Query["expand[]"].ToString() == "inferenceProviderMapping";
            await Json(context, 200, new JsonObject { ["id"] = id, ["inferenceProviderMapping"] = expand ? mapping.DeepClone() : null }.ToJsonString());
            return;
        }
        if (path == "/v1/chat/completions")
        {
            var body = JsonNode.Parse(request.Body)!;
            var model = body["model"]!.ToString();
            if (await Faults.TryApplyAsync(model, context)) return;
            var image = body["messages"]?[0]?["content"]?.AsArray().FirstOrDefault(p => p?["type"]?.ToString() == "image_url");
            if (image is null) { await Json(context, 422, """{"error": {"message": "the message has no image_url part"}}"""); return; }
            await Json(context, 200, """{"object": "chat.completion", "choices": [{"index": 0, "message": {"role": "assistant", "content": "a man with a beard wearing a blue jacket"}, "finish_reason": "stop"}]}""");
            return;
        }
        if (path.StartsWith("/hf-inference/models/", StringComparison.Ordinal))
        {
            var model = path["/hf-inference/models/".Length..];
            if (await Faults.TryApplyAsync(model, context)) return;
            if (AnswerJsonInsteadOfImage) { await Json(context, 200, """{"warning": "unexpected"}"""); return; }
            context.Response.ContentType = "image/png";
            await context.Response.Body.WriteAsync(Image);
            return;
        }
        if (path.EndsWith("/v1/images/generations", StringComparison.Ordinal))
        {
            var model = ModelServedAs(JsonNode.Parse(request.Body)!["model"]!.ToString());
            if (await Faults.TryApplyAsync(model, context)) return;
            await Json(context, 200, $$"""{"created": 1765000000, "data": [{"b64_json": "{{Convert.ToBase64String(Image)}}"}]}""");
            return;
        }
        if (path.StartsWith("/fal-ai/", StringComparison.Ordinal))
        {
            if (await Faults.TryApplyAsync(ModelServedAs(path["/fal-ai/".Length..]), context)) return;
            await Json(context, 200, $$"""{"images": [{"url": "{{Server.Root}}/files/fal-out.png", "width": 40, "height": 30, "content_type": "image/png"}], "seed": 1}""");
            return;
        }
        await Json(context, 404, """{"error": "Not Found"}""");
    }

    /// <summary>The Hub id a provider-side id belongs to (fault keys stay the Hub model id).</summary>
    string ModelServedAs(string providerId)
        => Mappings.FirstOrDefault(m => m.Value.Any(r => r.Value?["providerId"]?.ToString() == providerId)).Key ?? providerId;

    public static Fault Loading(double seconds) => Fault.Status(503, $$"""{"error": "Model black-forest-labs/FLUX.1-schnell is currently loading", "estimated_time": {{seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}""");

    static async Task Json(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
