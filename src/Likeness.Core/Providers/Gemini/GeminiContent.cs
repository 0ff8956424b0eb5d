using System.Text.Json.Nodes;

namespace Likeness.Providers.Gemini;

/// <summary>generateContent request/response shapes: contents[].parts[] of {text} and {inlineData:{mimeType,data}}.</summary>
static class GeminiContent
{
    /// <summary>Part order matters: [prompt] + [references] to generate a character, [scene] + [references] + [prompt] to edit.</summary>
    public static JsonObject Body(GenerationRequest r, string? describePrompt)
    {
        var parts = new JsonArray();
        switch (r.Operation)
        {
            case GenerationOperation.TextToImage:
                parts.Add(Text(r.Prompt!));
                foreach (var reference in r.ReferenceImages) parts.Add(Inline(reference));
                break;
            case GenerationOperation.ImageEdit:
                parts.Add(Inline(r.Image!));
                foreach (var reference in r.ReferenceImages) parts.Add(Inline(reference));
                parts.Add(Text(r.Prompt!));
                break;
            case GenerationOperation.DescribeImage:
                parts.Add(Inline(r.Image!));
                parts.Add(Text(r.Prompt ?? describePrompt!));
                break;
        }
        var body = new JsonObject { ["contents"] = new JsonArray(new JsonObject { ["role"] = "user", ["parts"] = parts }) };
        if (r.Operation != GenerationOperation.DescribeImage)
            body["generationConfig"] = new JsonObject
            {
                ["responseModalities"] = new JsonArray("TEXT", "IMAGE"),
                ["imageConfig"] = r.Operation == GenerationOperation.ImageEdit && SizeOf(r.Image) is var (w, h)
                    ? GeminiImageConfig.For(w, h) // an edit keeps the scene's shape
                    : GeminiImageConfig.For(r.Width, r.Height),
            };
        return body;
    }

    static JsonObject Text(string text) => new() { ["text"] = text };

    static (int Width, int Height)? SizeOf(MediaInput? image)
    {
        if (image?.Bytes is not { } bytes) return null;
        try
        {
            var info = Likeness.Imaging.Codecs.ImageCodec.Identify(bytes);
            return (info.Width, info.Height);
        }
        catch (Exception ex) when (ex is LikenessException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    static JsonObject Inline(MediaInput image) => new()
    {
        ["inlineData"] = new JsonObject { ["mimeType"] = image.MimeType, ["data"] = Convert.ToBase64String(image.Bytes!) },
    };

    /// <summary>The inline data of a part, accepting both the JSON (camelCase) and proto (snake_case) spellings.</summary>
    public static (string? MimeType, string? Data) InlineOf(JsonNode? part)
    {
        var inline = part?["inlineData"] ?? part?["inline_data"];
        if (inline is null) return (null, null);
        return (Text(inline["mimeType"] ?? inline["mime_type"]), Text(inline["data"]));
    }

    static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
