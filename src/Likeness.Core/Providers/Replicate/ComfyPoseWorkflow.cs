using System.Text.Json.Nodes;

namespace Likeness.Providers.Replicate;

/// <summary>
/// Pose-conditioned generation on Replicate through <c>comfyui/any-comfyui-workflow</c> (formerly
/// fofr/any-comfyui-workflow; source github.com/replicate/cog-comfyui): a ComfyUI API-format graph in
/// <c>workflow_json</c>, the OpenPose skeleton in <c>input_file</c> (saved by the model as <c>input.png</c> in
/// ComfyUI's input folder, so LoadImage reads that name), output a list of file URIs.
/// <para>
/// The graph is FLUX.1 [dev] (the fp8 checkpoint the model ships, which holds model, CLIP and VAE) with the identity
/// LoRA(s) by URL (cog-comfyui turns a URL in LoraLoader's <c>lora_name</c> into a download) and the Shakker-Labs
/// FLUX.1-dev-ControlNet-Union-Pro in pose mode: the same recipe as fal's flux-general route (conditioning scale
/// 0.7, 28 steps, guidance 3.5). Node and input names follow ComfyUI's source (nodes.py, comfy_extras/nodes_flux.py,
/// comfy_extras/nodes_controlnet.py) and cog-comfyui's published examples (flux_fp8_api.json,
/// glif_custom_lora_flux_hf.json).
/// </para>
/// <para>
/// Built from those published sources only: this workflow has not been run against Replicate from here (no
/// token, no GPU). `likeness providers check` confirms the model exists; the first real pose job is the test.
/// </para>
/// </summary>
public static class ComfyPoseWorkflow
{
    /// <summary>The default Replicate model for PoseControl.</summary>
    public const string Model = "comfyui/any-comfyui-workflow";
    /// <summary>Names the model has been published under; a pinned "name:version" of either runs this workflow too.</summary>
    static readonly string[] Names = [Model, "fofr/any-comfyui-workflow"];

    public const string Checkpoint = "flux1-dev-fp8.safetensors";
    public const string ControlNet = "FLUX.1-dev-ControlNet-Union-Pro.safetensors";

    /// <summary>
    /// The SetUnionControlNetType name that selects POSE on the FLUX union model. The trap: ComfyUI maps the names
    /// with the SDXL-union table (comfy/cldm/control_types.py: openpose=0, depth=1, hed/pidi/scribble/ted=2,
    /// canny/lineart/anime_lineart/mlsd=3, normal=4, segment=5, tile=6, repaint=7) and hands the number unchanged to
    /// FLUX union models, whose modes are canny=0, tile=1, depth=2, blur=3, pose=4, gray=5, low-quality=6
    /// (huggingface.co/Shakker-Labs/FLUX.1-dev-ControlNet-Union-Pro; reported as Comfy-Org/ComfyUI#4823, open).
    /// "openpose" would ask the FLUX model for canny; "normal" (4) is its pose mode.
    /// </summary>
    public const string PoseUnionType = "normal";

    public const int DefaultSteps = 28;
    public const double DefaultGuidance = 3.5;
    /// <summary>ControlNet strength: fal's flux-general conditioning_scale for the same skeleton.</summary>
    public const double ConditioningScale = Fal.FalInputs.PoseConditioningScale;

    /// <summary>True when <paramref name="model"/> is any-comfyui-workflow (by name, or by a schema with <c>workflow_json</c>).</summary>
    public static bool Runs(string model, ReplicateInputSchema? schema = null)
    {
        var name = model.Split(':')[0];
        return Names.Contains(name, StringComparer.Ordinal) || (schema?.Fields.Contains("workflow_json") ?? false);
    }

    /// <summary>The prediction input: the graph as a JSON string, the skeleton as the single input file, PNG output.</summary>
    public static JsonObject Input(GenerationRequest r)
    {
        var control = r.ControlImage ?? throw new ArgumentException("pose control needs a control image", nameof(r));
        return new JsonObject
        {
            ["workflow_json"] = Build(r, InputFileName(control)).ToJsonString(),
            ["input_file"] = control.ToUrlOrDataUri(),
            ["output_format"] = "png",
            // The model re-seeds every KSampler unless told not to (default true); a requested seed must hold.
            ["randomise_seeds"] = r.Seed is null,
        };
    }

    /// <summary>
    /// Where cog-comfyui puts the single input file: <c>input</c> + the file's extension (predict.py handle_input_file).
    /// A data URI's extension comes from its MIME type; a URL keeps its own.
    /// </summary>
    public static string InputFileName(MediaInput control)
    {
        if (control.Url is { Length: > 0 } url && !url.StartsWith("data:", StringComparison.Ordinal))
        {
            var ext = Path.GetExtension(Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : url).ToLowerInvariant();
            return "input" + (ext is ".png" or ".jpg" or ".jpeg" or ".webp" ? ext : ".png");
        }
        return "input" + control.MimeType switch { "image/jpeg" => ".jpg", "image/webp" => ".webp", _ => ".png" };
    }

    /// <summary>The ComfyUI API-format graph: node id → {class_type, inputs}; a link is [node id, output index].</summary>
    public static JsonObject Build(GenerationRequest r, string inputFileName = "input.png", long? seed = null)
    {
        var graph = new Graph();
        var checkpoint = graph.Add("CheckpointLoaderSimple", new() { ["ckpt_name"] = Checkpoint });
        var (model, clip, vae) = (Link(checkpoint, 0), Link(checkpoint, 1), Link(checkpoint, 2));
        foreach (var lora in r.Loras)
        {
            var id = graph.Add("LoraLoader", new()
            {
                ["model"] = model, ["clip"] = clip,
                ["lora_name"] = lora.Path, ["strength_model"] = lora.Scale, ["strength_clip"] = lora.Scale,
            });
            (model, clip) = (Link(id, 0), Link(id, 1));
        }
        var positive = graph.Add("CLIPTextEncode", new() { ["text"] = r.Prompt ?? "", ["clip"] = clip.DeepClone() });
        // FLUX dev runs at cfg 1, where the sampler never evaluates the negative; ControlNetApplyAdvanced still needs one.
        var negative = graph.Add("CLIPTextEncode", new() { ["text"] = "", ["clip"] = clip.DeepClone() });
        var guided = graph.Add("FluxGuidance", new() { ["conditioning"] = Link(positive, 0), ["guidance"] = r.GuidanceScale ?? DefaultGuidance });
        var loader = graph.Add("ControlNetLoader", new() { ["control_net_name"] = ControlNet });
        var union = graph.Add("SetUnionControlNetType", new() { ["control_net"] = Link(loader, 0), ["type"] = PoseUnionType });
        var skeleton = graph.Add("LoadImage", new() { ["image"] = inputFileName });
        var applied = graph.Add("ControlNetApplyAdvanced", new()
        {
            ["positive"] = Link(guided, 0), ["negative"] = Link(negative, 0), ["control_net"] = Link(union, 0),
            ["image"] = Link(skeleton, 0),
            // FLUX ControlNets encode the hint in latent space: without the VAE ComfyUI fails at sampling time.
            ["vae"] = vae.DeepClone(),
            ["strength"] = ConditioningScale, ["start_percent"] = 0.0, ["end_percent"] = 1.0,
        });
        var (width, height) = (Align16(r.Width), Align16(r.Height));
        var latent = graph.Add("EmptyLatentImage", new() { ["width"] = width, ["height"] = height, ["batch_size"] = 1 });
        var sampled = graph.Add("KSampler", new()
        {
            ["model"] = model, ["seed"] = seed ?? (r.Seed is >= 0 and var s ? s : Random.Shared.NextInt64(1, 1L << 50)),
            ["steps"] = r.Steps ?? DefaultSteps, ["cfg"] = 1.0, ["sampler_name"] = "euler", ["scheduler"] = "simple",
            ["positive"] = Link(applied, 0), ["negative"] = Link(applied, 1), ["latent_image"] = Link(latent, 0), ["denoise"] = 1.0,
        });
        var decoded = graph.Add("VAEDecode", new() { ["samples"] = Link(sampled, 0), ["vae"] = vae.DeepClone() });
        graph.Add("SaveImage", new() { ["images"] = Link(decoded, 0), ["filename_prefix"] = "likeness-pose" });
        return graph.Nodes;
    }

    /// <summary>FLUX works on 16-pixel blocks; sizes are rounded down to a multiple of 16 (at least 64).</summary>
    public static int Align16(int pixels) => Math.Max(64, pixels / 16 * 16);

    static JsonArray Link(string node, int output) => new(JsonValue.Create(node), JsonValue.Create(output));

    sealed class Graph
    {
        public JsonObject Nodes { get; } = new();

        public string Add(string classType, JsonObject inputs)
        {
            var id = (Nodes.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Nodes[id] = new JsonObject { ["class_type"] = classType, ["inputs"] = inputs };
            return id;
        }
    }
}
