using System.Text.Json.Nodes;

namespace Likeness.Providers.Replicate;

/// <summary>
/// Prediction inputs by operation, with the field names the default (official) models use:
/// flux-schnell (prompt, aspect_ratio), flux-kontext-pro (input_image), flux-fill-pro (image, mask);
/// PoseControl on any-comfyui-workflow sends a whole ComfyUI graph (<see cref="ComfyPoseWorkflow"/>).
/// Steps and guidance use generic names that <see cref="ReplicateInputSchema"/> maps to each model's own.
/// </summary>
static class ReplicateInputs
{
    static readonly (int W, int H)[] AspectRatios = [(1, 1), (16, 9), (21, 9), (3, 2), (2, 3), (4, 5), (5, 4), (3, 4), (4, 3), (9, 16), (9, 21)];

    public static JsonObject For(GenerationRequest r, string model, ReplicateInputSchema? schema = null)
    {
        if (r.Operation == GenerationOperation.PoseControl && ComfyPoseWorkflow.Runs(model, schema)) return ComfyPoseWorkflow.Input(r);
        var input = new JsonObject();
        if (r.Prompt is not null) input["prompt"] = r.Prompt;
        switch (r.Operation)
        {
            case GenerationOperation.TextToImage:
                input["aspect_ratio"] = AspectRatio(r.Width, r.Height);
                input["num_outputs"] = r.ImageCount;
                input["output_format"] = "png";
                break;
            case GenerationOperation.ImageEdit:
                input["input_image"] = r.Image!.ToUrlOrDataUri();
                input["output_format"] = "png";
                break;
            case GenerationOperation.Inpaint:
                input["image"] = r.Image!.ToUrlOrDataUri();
                input["mask"] = r.Mask!.ToUrlOrDataUri();
                input["output_format"] = "png";
                break;
            case GenerationOperation.RemoveBackground:
            case GenerationOperation.DescribeImage:
                input["image"] = r.Image!.ToUrlOrDataUri();
                break;
            case GenerationOperation.PoseControl: // a configured ControlNet model that takes the skeleton as control_image
                input["control_image"] = r.ControlImage!.ToUrlOrDataUri();
                break;
        }
        if (r.Seed is { } seed) input["seed"] = seed;
        if (r.Steps is { } steps) input["num_inference_steps"] = steps;
        if (r.GuidanceScale is { } guidance) input["guidance"] = guidance;
        return input;
    }

    /// <summary>The supported ratio closest to width:height.</summary>
    public static string AspectRatio(int width, int height)
    {
        double wanted = width / (double)height;
        var best = AspectRatios.MinBy(a => Math.Abs(Math.Log(a.W / (double)a.H / wanted)));
        return $"{best.W}:{best.H}";
    }
}
