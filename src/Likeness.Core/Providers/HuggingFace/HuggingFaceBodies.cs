using System.Text.Json.Nodes;

namespace Likeness.Providers.HuggingFace;

/// <summary>
/// Request bodies per inference provider, as huggingface.js builds them (packages/inference/src/providers/*.ts, read
/// 2026-12-05): hf-inference {inputs, parameters}; nebius/together/nscale OpenAI-style images/generations with
/// response_format b64_json; fal-ai the fal model input. Describe: OpenAI-compatible chat completions with an image part.
/// </summary>
static class HuggingFaceBodies
{
    public static (string Path, JsonObject Body) TextToImage(HuggingFaceRoute route, string model, GenerationRequest r) => route.Provider switch
    {
        "hf-inference" => ($"hf-inference/models/{model}", new JsonObject { ["inputs"] = r.Prompt, ["parameters"] = Parameters(r) }),
        "fal-ai" => ($"fal-ai/{route.ProviderId}", FalBody(r)),
        _ => ($"{route.Provider}/v1/images/generations", OpenAiBody(route, r)),
    };

    static JsonObject Parameters(GenerationRequest r)
    {
        var parameters = new JsonObject { ["width"] = r.Width, ["height"] = r.Height };
        if (r.Steps is { } steps) parameters["num_inference_steps"] = steps;
        if (r.GuidanceScale is { } guidance) parameters["guidance_scale"] = guidance;
        if (r.Seed is { } seed) parameters["seed"] = seed;
        return parameters;
    }

    static JsonObject OpenAiBody(HuggingFaceRoute route, GenerationRequest r)
    {
        var body = Parameters(r);
        body["prompt"] = r.Prompt;
        body["model"] = route.ProviderId;
        body["response_format"] = "b64_json";
        return body;
    }

    static JsonObject FalBody(GenerationRequest r)
    {
        var body = new JsonObject { ["prompt"] = r.Prompt, ["image_size"] = new JsonObject { ["width"] = r.Width, ["height"] = r.Height } };
        if (r.Steps is { } steps) body["num_inference_steps"] = steps;
        if (r.Seed is { } seed) body["seed"] = seed;
        return body;
    }

    public static JsonObject Describe(string model, string prompt, string imageUrl) => new()
    {
        ["model"] = model,
        ["max_tokens"] = 400,
        ["messages"] = new JsonArray(new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray(
                new JsonObject { ["type"] = "text", ["text"] = prompt },
                new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = imageUrl } }),
        }),
    };
}
