using System.Globalization;
using System.Text.Json.Nodes;

namespace Likeness.Providers.Replicate;

/// <summary>
/// A model version's published input schema (openapi_schema.components.schemas.Input, served with the model by
/// GET /v1/models/{owner}/{name} as latest_version.openapi_schema and by GET .../versions/{id} as openapi_schema;
/// replicate.com/docs/reference/http, read 2026-12-05). Requests are checked against it before they are sent, and
/// the product's generic field names are mapped to the model's own (flux-fill-pro: steps, guidance).
/// </summary>
public sealed class ReplicateInputSchema
{
    /// <summary>Generic name → the spellings models use for it, in order of preference.</summary>
    static readonly Dictionary<string, string[]> Aliases = new(StringComparer.Ordinal)
    {
        ["num_inference_steps"] = ["num_inference_steps", "steps"],
        ["guidance"] = ["guidance", "guidance_scale"],
        ["num_outputs"] = ["num_outputs", "number_of_images"],
    };

    readonly JsonObject _properties;
    readonly HashSet<string> _required;
    readonly JsonObject? _components;

    ReplicateInputSchema(JsonObject properties, IEnumerable<string> required, JsonObject? components, bool outputIsSingle)
    {
        _properties = properties;
        _required = [.. required];
        _components = components;
        OutputIsSingle = outputIsSingle;
    }

    /// <summary>True when the model returns one URI string rather than an array (flux-kontext-pro, flux-fill-pro).</summary>
    public bool OutputIsSingle { get; }
    public IEnumerable<string> Fields => _properties.Select(p => p.Key);

    /// <summary>Reads the schema from a model or version object; null when none is published.</summary>
    public static ReplicateInputSchema? From(JsonNode? modelOrVersion)
    {
        var openapi = modelOrVersion?["openapi_schema"] ?? modelOrVersion?["latest_version"]?["openapi_schema"];
        var components = openapi?["components"]?["schemas"] as JsonObject;
        if (components?["Input"]?["properties"] is not JsonObject properties) return null;
        var required = (components["Input"]?["required"] as JsonArray)?.Select(n => n?.ToString()).OfType<string>() ?? [];
        var single = components["Output"]?["type"]?.ToString() == "string";
        return new ReplicateInputSchema(properties, required, components, single);
    }

    /// <summary>The input with generic names mapped to the model's, fields it does not have dropped, every value checked.</summary>
    public (JsonObject Input, IReadOnlyList<string> Dropped) Apply(JsonObject input, string model)
    {
        var result = new JsonObject();
        var dropped = new List<string>();
        foreach (var (name, value) in input)
        {
            var target = Aliases.TryGetValue(name, out var names) ? names.FirstOrDefault(_properties.ContainsKey) : _properties.ContainsKey(name) ? name : null;
            if (target is null) { dropped.Add(name); continue; }
            Check(model, target, value, (JsonObject)_properties[target]!);
            result[target] = value?.DeepClone();
        }
        var missing = _required.Where(r => !result.ContainsKey(r)).ToList();
        if (missing.Count > 0)
            throw Refused(model, missing[0], $"is required by {model} but this request has no value for it");
        return (result, dropped);
    }

    void Check(string model, string field, JsonNode? value, JsonObject property)
    {
        var spec = Resolve(property);
        var type = spec["type"]?.ToString();
        if (spec["enum"] is JsonArray allowed)
        {
            var text = value?.ToString();
            if (!allowed.Any(a => a?.ToString() == text))
                throw Refused(model, field, $"must be one of {string.Join(", ", allowed.Select(a => a?.ToString()))}, not {text}");
        }
        if (type is "integer" or "number")
        {
            if (Number(value) is not { } number)
                throw Refused(model, field, $"must be {(type == "integer" ? "an integer" : "a number")}, not {value?.ToJsonString() ?? "null"}");
            if (type == "integer" && number != Math.Floor(number))
                throw Refused(model, field, $"must be a whole number, not {Format(number)}");
            var min = Number(spec["minimum"]);
            var max = Number(spec["maximum"]);
            if ((min is { } lo && number < lo) || (max is { } hi && number > hi))
                throw Refused(model, field, $"accepts {Range(min, max)}, not {Format(number)}");
        }
        else if (type == "boolean" && !(value is JsonValue flag && flag.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
            throw Refused(model, field, "must be true or false");
    }

    /// <summary>Cog writes enums as allOf: [{$ref: "#/components/schemas/aspect_ratio"}]; the property keeps its own bounds.</summary>
    JsonObject Resolve(JsonObject property)
    {
        var merged = (JsonObject)property.DeepClone();
        foreach (var part in (property["allOf"] as JsonArray ?? []).Concat(property["anyOf"] as JsonArray ?? []))
        {
            var reference = part?["$ref"]?.ToString();
            var target = reference?.StartsWith("#/components/schemas/", StringComparison.Ordinal) == true
                ? _components?[reference["#/components/schemas/".Length..]] as JsonObject : part as JsonObject;
            if (target is null) continue;
            foreach (var (key, v) in target) merged[key] ??= v?.DeepClone();
        }
        return merged;
    }

    static ProviderException Refused(string model, string field, string problem)
        => new(FailureKind.Rejected, "replicate",
            $"Replicate model {model}: '{field}' {problem} (from the model's published input schema). Change the request or configure another model.");

    /// <summary>Any JSON number, whatever CLR type the node was built from.</summary>
    static double? Number(JsonNode? node)
        => node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number
           && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
    static string Format(double d) => d.ToString(CultureInfo.InvariantCulture);
    static string Range(double? min, double? max) => (min, max) switch
    {
        ({ } lo, { } hi) => $"{Format(lo)} to {Format(hi)}",
        ({ } lo, null) => $"at least {Format(lo)}",
        (null, { } hi) => $"at most {Format(hi)}",
        _ => "any value",
    };
}
