using System.Globalization;
using System.Text.Json.Nodes;

namespace Likeness.Providers.Tests.Fakes;

/// <summary>
/// What comfyui/any-comfyui-workflow (github.com/replicate/cog-comfyui) does with a workflow before it samples,
/// for the nodes a FLUX pose graph uses: cog-comfyui refuses UI-format JSON, needs every referenced input file in
/// its input folder and every weight in its supported list (URLs in LoraLoader's lora_name are downloaded);
/// ComfyUI's prompt validation (execution.py validate_inputs) refuses unknown node classes, missing required
/// inputs, links to missing nodes or outputs, links whose type does not match, numbers out of range and values not
/// in a combo's list. Input names, types and bounds are ComfyUI's (nodes.py, comfy_extras/nodes_flux.py,
/// comfy_extras/nodes_controlnet.py, comfy/cldm/control_types.py; read 2026-12-07). A FLUX ControlNet without a VAE
/// fails at sampling in ComfyUI ("This Controlnet needs a VAE but none was provided"); so does it here.
/// <para>
/// One check is the fake's own: real ComfyUI accepts SetUnionControlNetType "openpose" on a FLUX union model and
/// silently conditions on canny (SDXL-table 0 = FLUX mode 0); this fake only serves pose, so it refuses any type
/// but "normal" (4 = FLUX pose) there, loudly, instead of returning a picture in the wrong mode.
/// </para>
/// </summary>
public static class FakeComfyUI
{
    /// <summary>A workflow that passed, with what the tests look at.</summary>
    public sealed record Checked(JsonObject Graph, string Prompt, IReadOnlyList<(string Lora, double StrengthModel)> Loras, string UnionType,
        string ControlImageFile, int Width, int Height, long Seed, double ControlStrength);

    sealed record Spec(Dictionary<string, string> Required, string[] Outputs, Dictionary<string, string>? Optional = null);

    public static readonly string[] Checkpoints = ["flux1-dev-fp8.safetensors", "flux1-schnell-fp8.safetensors", "sd_xl_base_1.0.safetensors"];
    public static readonly string[] ControlNets = ["FLUX.1-dev-ControlNet-Union-Pro.safetensors", "flux.1-dev-controlnet-union.safetensors", "controlnet-union-sdxl-1.0.safetensors"];
    static readonly string[] UnionTypes = ["auto", "openpose", "depth", "hed/pidi/scribble/ted", "canny/lineart/anime_lineart/mlsd", "normal", "segment", "tile", "repaint"];
    static readonly string[] Samplers = ["euler", "euler_ancestral", "heun", "dpm_2", "dpm_2_ancestral", "lms", "dpmpp_2m", "dpmpp_sde", "ddim", "uni_pc", "lcm"];
    static readonly string[] Schedulers = ["normal", "karras", "exponential", "sgm_uniform", "simple", "ddim_uniform", "beta"];

    // Widget kinds: STRING, FLOAT:min:max, INT:min:max, COMBO:<list>, FILE (an input-folder file), LORA (list or URL); anything else is a link type.
    static readonly Dictionary<string, Spec> Nodes = new(StringComparer.Ordinal)
    {
        ["CheckpointLoaderSimple"] = new(new() { ["ckpt_name"] = "COMBO:checkpoints" }, ["MODEL", "CLIP", "VAE"]),
        ["LoraLoader"] = new(new() { ["model"] = "MODEL", ["clip"] = "CLIP", ["lora_name"] = "LORA", ["strength_model"] = "FLOAT:-100:100", ["strength_clip"] = "FLOAT:-100:100" }, ["MODEL", "CLIP"]),
        ["CLIPTextEncode"] = new(new() { ["text"] = "STRING", ["clip"] = "CLIP" }, ["CONDITIONING"]),
        ["FluxGuidance"] = new(new() { ["conditioning"] = "CONDITIONING", ["guidance"] = "FLOAT:0:100" }, ["CONDITIONING"]),
        ["ControlNetLoader"] = new(new() { ["control_net_name"] = "COMBO:controlnets" }, ["CONTROL_NET"]),
        ["SetUnionControlNetType"] = new(new() { ["control_net"] = "CONTROL_NET", ["type"] = "COMBO:union" }, ["CONTROL_NET"]),
        ["LoadImage"] = new(new() { ["image"] = "FILE" }, ["IMAGE", "MASK"]),
        ["ControlNetApplyAdvanced"] = new(new()
        {
            ["positive"] = "CONDITIONING", ["negative"] = "CONDITIONING", ["control_net"] = "CONTROL_NET", ["image"] = "IMAGE",
            ["strength"] = "FLOAT:0:10", ["start_percent"] = "FLOAT:0:1", ["end_percent"] = "FLOAT:0:1",
        }, ["CONDITIONING", "CONDITIONING"], new() { ["vae"] = "VAE" }),
        ["EmptyLatentImage"] = new(new() { ["width"] = "INT:16:16384", ["height"] = "INT:16:16384", ["batch_size"] = "INT:1:4096" }, ["LATENT"]),
        ["KSampler"] = new(new()
        {
            ["model"] = "MODEL", ["seed"] = "INT:0:18446744073709551615", ["steps"] = "INT:1:10000", ["cfg"] = "FLOAT:0:100",
            ["sampler_name"] = "COMBO:samplers", ["scheduler"] = "COMBO:schedulers", ["positive"] = "CONDITIONING", ["negative"] = "CONDITIONING",
            ["latent_image"] = "LATENT", ["denoise"] = "FLOAT:0:1",
        }, ["LATENT"]),
        ["VAEDecode"] = new(new() { ["samples"] = "LATENT", ["vae"] = "VAE" }, ["IMAGE"]),
        ["SaveImage"] = new(new() { ["images"] = "IMAGE", ["filename_prefix"] = "STRING" }, []),
    };

    static string[] Combo(string name) => name switch
    {
        "checkpoints" => Checkpoints, "controlnets" => ControlNets, "union" => UnionTypes, "samplers" => Samplers, "schedulers" => Schedulers,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>
    /// The workflow checked as the model would; the error is the message the prediction fails with.
    /// <paramref name="missingWeights"/>: weights this run of the model lacks (a later version may drop one).
    /// </summary>
    public static (Checked? Ok, string? Error) Validate(string? workflowJson, string? inputFile, IReadOnlySet<string>? missingWeights = null)
    {
        JsonObject graph;
        try { graph = JsonNode.Parse(workflowJson ?? "") as JsonObject ?? throw new FormatException("not an object"); }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException) { return (null, $"Invalid workflow JSON: {e.Message}"); }
        if (graph.ContainsKey("last_node_id") || graph.ContainsKey("nodes") || graph.ContainsKey("version"))
            return (null, "You must use the API JSON version of a ComfyUI workflow.");

        foreach (var (id, node) in graph)
        {
            var classType = node?["class_type"]?.GetValue<string>();
            if (classType is null || !Nodes.TryGetValue(classType, out var spec))
                return (null, Rejected($"Cannot execute because node {classType ?? "(no class_type)"} does not exist. Node ID '#{id}'"));
            if (node!["inputs"] is not JsonObject inputs) return (null, Rejected($"Node #{id} ({classType}) has no inputs"));
            foreach (var (name, kind) in spec.Required.Select(p => (p.Key, p.Value)).Concat((spec.Optional ?? []).Select(p => (p.Key, p.Value))))
            {
                var required = spec.Required.ContainsKey(name);
                if (inputs[name] is not { } value)
                {
                    if (required) return (null, Rejected($"Required input is missing: {name} (node #{id} {classType})"));
                    continue;
                }
                if (Problem(graph, name, kind, value, inputFile, missingWeights ?? new HashSet<string>()) is { } problem) return (null, Rejected($"{problem} (node #{id} {classType})"));
            }
        }
        var saves = graph.Where(n => Class(n.Value) == "SaveImage").ToList();
        if (saves.Count == 0) return (null, Rejected("Prompt has no outputs"));

        // Runtime: a FLUX ControlNet encodes its hint with the VAE.
        foreach (var (id, node) in graph.Where(n => Class(n.Value) == "ControlNetApplyAdvanced"))
        {
            var loader = Upstream(graph, node!["inputs"]!["control_net"], "ControlNetLoader");
            if (loader?["inputs"]?["control_net_name"]?.GetValue<string>().Contains("flux", StringComparison.OrdinalIgnoreCase) == true && node["inputs"]!["vae"] is null)
                return (null, $"Workflow execution error: node #{id} ControlNetApplyAdvanced: This Controlnet needs a VAE but none was provided, please use a ControlNetApply node with a VAE input and connect it.");
        }

        // What the pose graph must say: sampler ← ControlNetApplyAdvanced ← FluxGuidance ← CLIPTextEncode(prompt); LoRAs on the model path.
        var sampler = graph.Select(n => n.Value).FirstOrDefault(n => Class(n) == "KSampler");
        if (sampler is null) return (null, "fake: the workflow has no KSampler");
        var apply = Upstream(graph, sampler["inputs"]!["positive"], "ControlNetApplyAdvanced");
        if (apply is null) return (null, "fake: the sampler's positive conditioning does not go through ControlNetApplyAdvanced");
        var text = Upstream(graph, apply["inputs"]!["positive"], "CLIPTextEncode")?["inputs"]?["text"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(text)) return (null, "fake: the positive CLIPTextEncode carries no prompt");
        var union = Upstream(graph, apply["inputs"]!["control_net"], "SetUnionControlNetType");
        if (Upstream(graph, apply["inputs"]!["control_net"], "ControlNetLoader")?["inputs"]?["control_net_name"]?.GetValue<string>() is not { } controlNet)
            return (null, "fake: the ControlNet does not come from a ControlNetLoader");
        var type = union?["inputs"]?["type"]?.GetValue<string>() ?? "auto";
        if (controlNet.Contains("flux", StringComparison.OrdinalIgnoreCase) && controlNet.Contains("union", StringComparison.OrdinalIgnoreCase) && type != "normal")
            return (null, $"fake: SetUnionControlNetType '{type}' on {controlNet} is FLUX union mode {Array.IndexOf(UnionTypes, type) - 1} " +
                "(ComfyUI numbers the names with the SDXL table); this fake serves pose only, which is mode 4 = 'normal'");
        var image = Upstream(graph, apply["inputs"]!["image"], "LoadImage")?["inputs"]?["image"]?.GetValue<string>();
        if (image is null) return (null, "fake: the ControlNet image is not a LoadImage");

        var loras = new List<(string, double)>();
        for (var model = sampler["inputs"]!["model"]; Node(graph, model) is { } upstream && Class(upstream) == "LoraLoader"; model = upstream["inputs"]!["model"])
            loras.Insert(0, (upstream["inputs"]!["lora_name"]!.GetValue<string>(), upstream["inputs"]!["strength_model"]!.GetValue<double>()));
        var latent = Upstream(graph, sampler["inputs"]!["latent_image"], "EmptyLatentImage")!["inputs"]!;
        return (new Checked(graph, text, loras, type, image, latent["width"]!.GetValue<int>(), latent["height"]!.GetValue<int>(),
            sampler["inputs"]!["seed"]!.GetValue<long>(), apply["inputs"]!["strength"]!.GetValue<double>()), null);
    }

    /// <summary>cog-comfyui's answer when ComfyUI refuses the prompt (queue_prompt), with ComfyUI's reason.</summary>
    static string Rejected(string reason) => $"ComfyUI Error – Your workflow could not be run. {reason}";

    static string? Class(JsonNode? node) => node?["class_type"]?.GetValue<string>();

    static string? Problem(JsonObject graph, string name, string kind, JsonNode value, string? inputFile, IReadOnlySet<string> missingWeights)
    {
        var parts = kind.Split(':');
        switch (parts[0])
        {
            case "STRING":
                return value is JsonValue s && s.TryGetValue<string>(out _) ? null : $"{name}: not a string";
            case "FLOAT" or "INT":
                if (value is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.Number) return $"{name}: not a number";
                var n = double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture);
                if (parts[0] == "INT" && n != Math.Floor(n)) return $"{name}: not an integer";
                double min = double.Parse(parts[1], CultureInfo.InvariantCulture), max = double.Parse(parts[2], CultureInfo.InvariantCulture);
                if (n < min) return $"Value {v.ToJsonString()} smaller than min of {parts[1]}: {name}";
                if (n > max) return $"Value {v.ToJsonString()} bigger than max of {parts[2]}: {name}";
                return null;
            case "COMBO":
                var allowed = Combo(parts[1]);
                var text = (value as JsonValue)?.ToString();
                if (parts[1] is "checkpoints" or "controlnets" && (!allowed.Contains(text) || missingWeights.Contains(text!)))
                    return $"{text} unavailable. View the list of available weights: https://github.com/replicate/cog-comfyui/blob/main/supported_weights.md";
                return allowed.Contains(text) ? null : $"Value not in list: {name}: '{text}' not in [{string.Join(", ", allowed)}]";
            case "LORA":
                var lora = (value as JsonValue)?.ToString() ?? "";
                return Uri.TryCreate(lora, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? null
                    : $"{lora} unavailable. View the list of available weights: https://github.com/replicate/cog-comfyui/blob/main/supported_weights.md";
            case "FILE":
                var file = (value as JsonValue)?.ToString();
                return file is not null && file == inputFile ? null : $"Missing required input files: /tmp/inputs/{file}";
            default:
                if (value is not JsonArray { Count: 2 } link || link[0] is not JsonValue || link[1] is not JsonValue index
                    || index.GetValueKind() != System.Text.Json.JsonValueKind.Number)
                    return $"{name}: expected a link [node id, output index] to a {kind}";
                if (graph[link[0]!.ToString()] is not { } source) return $"{name}: links to node #{link[0]}, which does not exist";
                var outputs = Nodes[Class(source)!].Outputs;
                var at = index.GetValue<int>();
                if (at < 0 || at >= outputs.Length) return $"{name}: node #{link[0]} has no output {at}";
                return outputs[at] == kind ? null : $"Return type mismatch between linked nodes: {name}, received_type({outputs[at]}) mismatch input_type({kind})";
        }
    }

    static JsonNode? Node(JsonObject graph, JsonNode? link) => link is JsonArray { Count: 2 } l ? graph[l[0]!.ToString()] : null;

    /// <summary>The nearest node of <paramref name="classType"/> up a chain of links (following each node's first linked input).</summary>
    static JsonNode? Upstream(JsonObject graph, JsonNode? link, string classType)
    {
        for (int hops = 0; hops < 32 && Node(graph, link) is { } node; hops++)
        {
            if (Class(node) == classType) return node;
            link = (node["inputs"] as JsonObject)?.Select(p => p.Value).FirstOrDefault(v => v is JsonArray { Count: 2 });
        }
        return null;
    }
}
