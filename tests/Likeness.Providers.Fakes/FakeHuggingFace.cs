using Microsoft.AspNetCore.Http;

namespace Likeness.Providers.Tests.Fakes;

/// <summary>
/// Hugging Face Inference on loopback: POST /models/{owner}/{name} (Bearer) → raw image bytes, or [{generated_text}]
/// for an image body. Hub: /api/whoami-v2, /api/models/{id}. Fault key: the model id.
/// </summary>
public sealed class FakeHuggingFace : IAsyncDisposable
{
    public const string Key = "hf_SECRETtoken1234567890";
    public static readonly byte[] Image = TestFiles.Png(40, 30);

    public LoopbackServer Server { get; private set; } = null!;
    public FaultScript Faults { get; } = new();
    public bool AnswerJsonInsteadOfImage { get; set; }

    public static async Task<FakeHuggingFace> StartAsync(ManualClock clock)
    {
        var fake = new FakeHuggingFace();
        fake.Server = await LoopbackServer.StartAsync(fake.HandleAsync, clock);
        return fake;
    }

    async Task HandleAsync(HttpContext context, RecordedRequest request)
    {
        if (request.Header("authorization") != $"Bearer {Key}")
        {
            await Json(context, 401, """{"error": "Invalid credentials in Authorization header"}""");
            return;
        }
        if (request.Path == "/api/whoami-v2") { await Json(context, 200, """{"type": "user", "name": "tester"}"""); return; }
        if (request.Path.StartsWith("/api/models/", StringComparison.Ordinal))
        {
            var id = request.Path["/api/models/".Length..];
            if (id.Contains("missing")) await Json(context, 404, """{"error": "Repository not found"}""");
            else await Json(context, 200, $$"""{"id": "{{id}}", "pipeline_tag": "text-to-image"}""");
            return;
        }
        var model = request.Path["/models/".Length..];
        if (await Faults.TryApplyAsync(model, context)) return;
        if ((request.Header("content-type") ?? "").StartsWith("image/", StringComparison.Ordinal))
        {
            await Json(context, 200, """[{"generated_text": "a man with a beard wearing a blue jacket"}]""");
            return;
        }
        if (AnswerJsonInsteadOfImage) { await Json(context, 200, """{"warning": "unexpected"}"""); return; }
        context.Response.ContentType = "image/png";
        await context.Response.Body.WriteAsync(Image);
    }

    public static Fault Loading(double seconds) => Fault.Status(503, $$"""{"error": "Model black-forest-labs/FLUX.1-schnell is currently loading", "estimated_time": {{seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}""");

    static async Task Json(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
