using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Likeness.Providers.Tests.Fakes;

/// <summary>
/// Gemini generateContent on loopback: POST /v1beta/models/{model}:generateContent with x-goog-api-key;
/// answers per <see cref="Mode"/>. Fault keys: the model id. GET /v1beta/models/{model} and the paged model list
/// GET /v1beta/models?pageSize=&amp;pageToken= → {models: [{name: "models/…", supportedGenerationMethods}], nextPageToken}
/// (ai.google.dev/api/models#method:-models.list, read 2026-12-05) for checks.
/// </summary>
public sealed class FakeGemini : IAsyncDisposable
{
    public const string Key = "AIza-gemini-key-SECRET-42";
    public enum Answer { Image, TwoImages, Text, Safety, BlockedPrompt, Recitation, NoImage, NoCandidates, Recorded, NoImageFinish, ImageOther, ModelArmor, Jailbreak }

    public LoopbackServer Server { get; private set; } = null!;
    public FaultScript Faults { get; } = new();
    public Answer Mode { get; set; } = Answer.Image;
    public string? RecordedFile { get; set; }
    /// <summary>
    /// Answers chosen by the test, one per generateContent call, before <see cref="Mode"/> applies: real photos
    /// (right person, mirrored, someone else...) so that the gates judge real pixels, or a blocked/empty answer.
    /// </summary>
    public Queue<FakeReply> Replies { get; } = new();
    /// <summary>What a describe (text) answer says.</summary>
    public string Description { get; set; } = "A woman in her thirties with short red hair and green eyes.";

    /// <summary>The text parts of a generateContent request (the prompt as sent), joined by newlines.</summary>
    public static string PromptOf(RecordedRequest request)
    {
        var parts = JsonNode.Parse(request.Body)?["contents"]?[0]?["parts"]?.AsArray() ?? [];
        return string.Join("\n", parts.Select(p => p?["text"]?.GetValue<string>()).OfType<string>());
    }

    /// <summary>How many inline images a generateContent request carried.</summary>
    public static int ImagesIn(RecordedRequest request)
        => (JsonNode.Parse(request.Body)?["contents"]?[0]?["parts"]?.AsArray() ?? []).Count(p => p?["inlineData"] is not null);

    public IReadOnlyList<RecordedRequest> GenerateCalls => Server.Requests.Where(r => r.Method == "POST" && r.Path.EndsWith(":generateContent", StringComparison.Ordinal)).ToList();
    /// <summary>
    /// Models served to the key. The retired gemini-2.5-flash-image / gemini-3-pro-image-preview / gemini-2.5-flash are
    /// not served (ai.google.dev/gemini-api/docs/deprecations: shutdown dates passed by 2026-10; read 2026-12-05).
    /// </summary>
    public List<string> KnownModels { get; } = ["gemini-3.1-flash-image", "gemini-3-pro-image", "gemini-3.5-flash", "gemini-embedding-2"];
    /// <summary>Models per list page, to exercise nextPageToken.</summary>
    public int ListPageSize { get; set; } = 2;
    /// <summary>
    /// imageConfig values the API accepts (ImageConfig in the API reference and js-genai types, read 2026-12-05);
    /// anything else is a 400 INVALID_ARGUMENT naming the field.
    /// </summary>
    public static readonly string[] AspectRatios = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"];
    public static readonly string[] ImageSizes = ["1K", "2K", "4K"];
    public static readonly byte[] Draft = TestFiles.Png(8, 8, 255, 0, 0);
    public static readonly byte[] Final = TestFiles.Png(16, 12, 0, 0, 255);

    public static async Task<FakeGemini> StartAsync(ManualClock clock)
    {
        var fake = new FakeGemini();
        fake.Server = await LoopbackServer.StartAsync(fake.HandleAsync, clock);
        return fake;
    }

    public string BaseUrl => Server.Root + "/v1beta";

    async Task HandleAsync(HttpContext context, RecordedRequest request)
    {
        if (request.Header("x-goog-api-key") != Key)
        {
            await Json(context, 400, """{"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT", "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com"}]}}""");
            return;
        }
        if (request.Method == "GET" && request.Path == "/v1beta/models")
        {
            await Json(context, 200, ListPage(context.Request.Query["pageToken"].ToString()));
            return;
        }
        var modelPart = request.Path["/v1beta/models/".Length..];
        var colon = modelPart.IndexOf(':');
        var model = colon < 0 ? modelPart : modelPart[..colon];
        if (!KnownModels.Contains(model))
        {
            await Json(context, 404, $$$"""{"error": {"code": 404, "message": "models/{{{model}}} is not found for API version v1beta", "status": "NOT_FOUND"}}""");
            return;
        }
        if (request.Method == "GET")
        {
            await Json(context, 200, $$"""{"name": "models/{{model}}", "displayName": "Nano Banana", "supportedGenerationMethods": ["generateContent"]}""");
            return;
        }
        if (await Faults.TryApplyAsync(model, context)) return;
        if (InvalidImageConfig(request.Body) is { } problem)
        {
            await Json(context, 400, $$$"""{"error": {"code": 400, "message": {{{JsonValue.Create(problem)!.ToJsonString()}}}, "status": "INVALID_ARGUMENT"}}""");
            return;
        }
        var reply = Replies.TryDequeue(out var next) ? next : null;
        var output = reply?.Bytes ?? Final;
        await Json(context, 200, (reply?.Answer ?? Mode) switch
        {
            Answer.Recorded => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recorded", RecordedFile!))
                .Replace("{{png}}", Convert.ToBase64String(Final)),
            Answer.Image => Candidate("STOP", Text("Here is your image."), Image(output)),
            Answer.TwoImages => Candidate("STOP", Image(Draft), Text("Refined:"), Image(Final)),
            Answer.Text => Candidate("STOP", Text(Description)),
            Answer.Safety => Candidate("IMAGE_SAFETY"),
            Answer.Recitation => Candidate("RECITATION", Text("...")),
            Answer.NoImage => Candidate("STOP", Text("I can't draw that, but here is a description instead.")),
            Answer.NoImageFinish => Candidate("NO_IMAGE", Text("Here is the description you asked for.")),
            Answer.ImageOther => Candidate("IMAGE_OTHER"),
            Answer.ModelArmor => Candidate("MODEL_ARMOR"),
            Answer.Jailbreak => """{"promptFeedback": {"blockReason": "JAILBREAK"}, "usageMetadata": {"promptTokenCount": 12, "totalTokenCount": 12}}""",
            Answer.BlockedPrompt => """{"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}, "usageMetadata": {"promptTokenCount": 12, "totalTokenCount": 12}}""",
            _ => """{"candidates": [], "usageMetadata": {"promptTokenCount": 12}}""",
        });
    }

    string ListPage(string token)
    {
        int start = int.TryParse(token, out var t) ? t : 0;
        var page = KnownModels.Skip(start).Take(ListPageSize).Select(m => (JsonNode)new JsonObject
        {
            ["name"] = "models/" + m,
            ["displayName"] = m,
            ["supportedGenerationMethods"] = m.Contains("embedding") ? new JsonArray("embedContent") : new JsonArray("generateContent", "countTokens"),
        }).ToArray();
        var o = new JsonObject { ["models"] = new JsonArray(page) };
        if (start + ListPageSize < KnownModels.Count) o["nextPageToken"] = (start + ListPageSize).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return o.ToJsonString();
    }

    static string? InvalidImageConfig(string body)
    {
        var config = JsonNode.Parse(body)?["generationConfig"]?["imageConfig"];
        if (config is null) return null;
        var ratio = config["aspectRatio"]?.GetValue<string>();
        if (ratio is not null && !AspectRatios.Contains(ratio)) return $"Invalid value at 'generation_config.image_config.aspect_ratio' ({ratio})";
        var size = config["imageSize"]?.GetValue<string>();
        if (size is not null && !ImageSizes.Contains(size)) return $"Invalid value at 'generation_config.image_config.image_size' ({size})";
        return null;
    }

    static JsonObject Text(string text) => new() { ["text"] = text };
    static JsonObject Image(byte[] bytes) => new() { ["inlineData"] = new JsonObject { ["mimeType"] = FakeReply.MimeType(bytes), ["data"] = Convert.ToBase64String(bytes) } };

    static string Candidate(string finish, params JsonObject[] parts) => new JsonObject
    {
        ["candidates"] = new JsonArray(new JsonObject
        {
            ["content"] = new JsonObject { ["parts"] = new JsonArray(parts), ["role"] = "model" },
            ["finishReason"] = finish,
            ["index"] = 0,
        }),
        ["usageMetadata"] = new JsonObject { ["promptTokenCount"] = 20, ["candidatesTokenCount"] = 1290, ["totalTokenCount"] = 1310 },
        ["modelVersion"] = "gemini-3.1-flash-image",
    }.ToJsonString();

    public static Fault Overloaded => Fault.Status(503, """{"error": {"code": 503, "message": "The model is overloaded. Please try again later.", "status": "UNAVAILABLE"}}""");
    public static Fault Quota(string delay) => Fault.Status(429, $$$"""{"error": {"code": 429, "message": "You exceeded your current quota.", "status": "RESOURCE_EXHAUSTED", "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "{{{delay}}}"}]}}""");
    public static Fault Internal => Fault.Status(500, """{"error": {"code": 500, "message": "An internal error has occurred.", "status": "INTERNAL"}}""");

    static async Task Json(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
