using System.Text.Json.Nodes;

namespace Likeness.Providers.Tests.Fakes;

/// <summary>
/// The published input/output schemas of the default Replicate models, as Cog writes them (enums as allOf + $ref),
/// trimmed to the fields the product touches. Sources, read 2026-12-05:
/// flux-schnell: replicate.com/black-forest-labs/flux-schnell/api/schema (num_inference_steps 1–4, num_outputs 1–4,
///   aspect_ratio enum, output_format webp|jpg|png; output: array of URIs);
/// flux-dev: replicate.com/black-forest-labs/flux-dev/api/schema (num_inference_steps 1–50, guidance 0–10);
/// flux-kontext-pro: replicate.com/black-forest-labs/flux-kontext-pro/api/schema (input_image, output_format jpg|png;
///   output: a single URI string);
/// flux-fill-pro: replicate.com/black-forest-labs/flux-fill-pro/versions/9609ba73…/api (steps 1–50, guidance 2–5,
///   image required, output_format jpg|png; output: a single URI string);
/// comfyui/any-comfyui-workflow: the Cog inputs of github.com/replicate/cog-comfyui predict.py (workflow_json string,
///   input_file a file (URI), return_temp_files, output_format webp|jpg|png, output_quality 0–100, randomise_seeds,
///   force_reset_cache; nothing required; output: an array of URIs). Not read from Replicate's API page: the
///   published schema may differ in details such as defaults.
/// </summary>
public static class ReplicateModelSchemas
{
    static readonly string[] Ratios = ["1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21"];

    public static readonly Dictionary<string, JsonObject> ByModel = new(StringComparer.Ordinal)
    {
        ["black-forest-labs/flux-schnell"] = Schema(new()
        {
            ["prompt"] = Str(), ["seed"] = Int(), ["aspect_ratio"] = Ref("aspect_ratio"), ["num_outputs"] = Int(1, 4),
            ["num_inference_steps"] = Int(1, 4), ["output_format"] = Ref("output_format"), ["go_fast"] = Bool(),
        }, ["prompt"], arrayOutput: true, ("aspect_ratio", Ratios), ("output_format", ["webp", "jpg", "png"])),
        ["black-forest-labs/flux-dev"] = Schema(new()
        {
            ["prompt"] = Str(), ["seed"] = Int(), ["aspect_ratio"] = Ref("aspect_ratio"), ["num_outputs"] = Int(1, 4),
            ["num_inference_steps"] = Int(1, 50), ["guidance"] = Num(0, 10), ["output_format"] = Ref("output_format"),
        }, ["prompt"], arrayOutput: true, ("aspect_ratio", Ratios), ("output_format", ["webp", "jpg", "png"])),
        ["black-forest-labs/flux-kontext-pro"] = Schema(new()
        {
            ["prompt"] = Str(), ["input_image"] = Uri(), ["seed"] = Int(), ["aspect_ratio"] = Ref("aspect_ratio"),
            ["output_format"] = Ref("output_format"), ["safety_tolerance"] = Int(0, 6),
        }, ["prompt"], arrayOutput: false, ("aspect_ratio", ["match_input_image", .. Ratios]), ("output_format", ["jpg", "png"])),
        ["black-forest-labs/flux-fill-pro"] = Schema(new()
        {
            ["prompt"] = Str(), ["image"] = Uri(), ["mask"] = Uri(), ["seed"] = Int(), ["steps"] = Int(1, 50),
            ["guidance"] = Num(2, 5), ["output_format"] = Ref("output_format"), ["safety_tolerance"] = Int(1, 6),
        }, ["image"], arrayOutput: false, ("output_format", ["jpg", "png"])),
        [FakeReplicate.ComfyModel] = Schema(new()
        {
            ["workflow_json"] = Str(), ["input_file"] = Uri(), ["return_temp_files"] = Bool(), ["output_format"] = Ref("output_format"),
            ["output_quality"] = Int(0, 100), ["randomise_seeds"] = Bool(), ["force_reset_cache"] = Bool(),
        }, [], arrayOutput: true, ("output_format", ["webp", "jpg", "png"])),
    };

    /// <summary>What a pinned community version (owner/name:version) publishes in these tests: flux-dev's inputs.</summary>
    public static JsonObject ForVersion(string model) => ByModel["black-forest-labs/flux-dev"];

    /// <summary>The first input problem as Replicate's 422 invalid_fields would name it, or null.</summary>
    public static (string Field, string Description)? Invalid(JsonObject schema, JsonNode? input)
    {
        var components = schema["components"]!["schemas"]!;
        foreach (var (name, value) in input as JsonObject ?? [])
        {
            var property = components["Input"]!["properties"]![name];
            if (property is null) continue; // Replicate ignores unknown inputs
            var reference = property["allOf"]?[0]?["$ref"]?.ToString();
            var spec = reference is null ? property : components[reference["#/components/schemas/".Length..]]!;
            if (spec["enum"] is JsonArray allowed && !allowed.Any(a => a!.ToString() == value?.ToString()))
                return ($"input.{name}", $"{name} must be one of the following: {string.Join(", ", allowed.Select(a => $"\"{a}\""))}");
            if (value is JsonValue v && v.TryGetValue<double>(out var n)
                && ((property["minimum"] is { } min && n < (double)min) || (property["maximum"] is { } max && n > (double)max)))
                return ($"input.{name}", $"{name} must be between {property["minimum"]} and {property["maximum"]}");
        }
        return null;
    }

    public static bool SingleOutput(JsonObject schema) => schema["components"]!["schemas"]!["Output"]!["type"]!.ToString() == "string";

    static JsonObject Schema(JsonObject properties, string[] required, bool arrayOutput, params (string Name, string[] Values)[] enums)
    {
        var schemas = new JsonObject
        {
            ["Input"] = new JsonObject { ["type"] = "object", ["title"] = "Input", ["required"] = new JsonArray(required.Select(r => (JsonNode)r).ToArray()), ["properties"] = properties },
            ["Output"] = arrayOutput
                ? new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string", ["format"] = "uri" }, ["title"] = "Output" }
                : new JsonObject { ["type"] = "string", ["format"] = "uri", ["title"] = "Output" },
        };
        foreach (var (name, values) in enums)
            schemas[name] = new JsonObject { ["enum"] = new JsonArray(values.Select(v => (JsonNode)v).ToArray()), ["type"] = "string", ["title"] = name };
        return new JsonObject { ["openapi"] = "3.0.2", ["components"] = new JsonObject { ["schemas"] = schemas } };
    }

    static JsonObject Str() => new() { ["type"] = "string" };
    static JsonObject Uri() => new() { ["type"] = "string", ["format"] = "uri" };
    static JsonObject Bool() => new() { ["type"] = "boolean" };
    static JsonObject Int(int? min = null, int? max = null) => Bounded("integer", min, max);
    static JsonObject Num(double? min = null, double? max = null) => Bounded("number", min, max);
    static JsonObject Ref(string name) => new() { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = $"#/components/schemas/{name}" }) };

    static JsonObject Bounded(string type, double? min, double? max)
    {
        var o = new JsonObject { ["type"] = type };
        if (min is { } lo) o["minimum"] = lo;
        if (max is { } hi) o["maximum"] = hi;
        return o;
    }
}
