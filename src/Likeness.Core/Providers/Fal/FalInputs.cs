using System.Text.Json.Nodes;

namespace Likeness.Providers.Fal;

/// <summary>Request bodies for the fal models the product uses (see each model's API page on fal.ai).</summary>
static class FalInputs
{
    public static JsonObject For(GenerationRequest r, FalOptions o) => r.Operation switch
    {
        GenerationOperation.TextToImage => Flux(r, o),
        GenerationOperation.Inpaint => Inpaint(r, o),
        GenerationOperation.PoseControl => PoseControl(r, o),
        GenerationOperation.TrainLora => new JsonObject
        {
            ["images_data_url"] = r.TrainingImagesZipUrl,
            ["trigger_word"] = r.TriggerWord,
            ["steps"] = r.Steps ?? o.TrainingSteps,
            ["create_masks"] = true,
        },
        GenerationOperation.RemoveBackground => new JsonObject
        {
            ["image_url"] = r.Image!.ToUrlOrDataUri(),
            ["output_format"] = "png",
        },
        // fal-ai/face-swap: base_image_url = the image whose face is replaced, swap_image_url = the face to put there.
        GenerationOperation.FaceSwap => new JsonObject
        {
            ["base_image_url"] = r.Image!.ToUrlOrDataUri(),
            ["swap_image_url"] = r.ReferenceImages[0].ToUrlOrDataUri(),
        },
        GenerationOperation.ImageToVideo => ImageToVideo(r),
        // fal-ai/sync-lipsync (sync.so): cut_off ends the video with the shorter of the two inputs.
        GenerationOperation.LipSync => new JsonObject
        {
            ["video_url"] = r.Video!.ToUrlOrDataUri(),
            ["audio_url"] = r.Audio!.ToUrlOrDataUri(),
            ["sync_mode"] = "cut_off",
        },
        _ => throw new ArgumentOutOfRangeException(nameof(r), r.Operation, "not a fal operation"),
    };

    static JsonObject Flux(GenerationRequest r, FalOptions o)
    {
        var body = new JsonObject
        {
            ["prompt"] = r.Prompt,
            ["loras"] = new JsonArray(r.Loras.Select(l => (JsonNode)new JsonObject { ["path"] = l.Path, ["scale"] = l.Scale }).ToArray()),
            ["image_size"] = new JsonObject { ["width"] = r.Width, ["height"] = r.Height },
            ["num_inference_steps"] = r.Steps ?? o.InferenceSteps,
            ["guidance_scale"] = r.GuidanceScale ?? o.GuidanceScale,
            ["num_images"] = r.ImageCount,
            ["enable_safety_checker"] = true,
            ["output_format"] = "png",
        };
        if (r.Seed is { } seed) body["seed"] = seed;
        return body;
    }

    /// <summary>fal-ai/kling-video/v1/standard/image-to-video: durations "5" or "10" seconds only (the nearer one is asked for).</summary>
    static JsonObject ImageToVideo(GenerationRequest r) => new()
    {
        ["prompt"] = r.Prompt,
        ["image_url"] = r.Image!.ToUrlOrDataUri(),
        ["duration"] = KlingDuration(r.DurationSeconds),
        ["negative_prompt"] = "blur, distort, and low quality, a different face, face morphing",
    };

    public static string KlingDuration(double? seconds) => seconds is > 7.5 ? "10" : "5";

    static JsonObject Inpaint(GenerationRequest r, FalOptions o)
    {
        var body = Flux(r, o);
        body.Remove("image_size");
        body["image_url"] = r.Image!.ToUrlOrDataUri();
        body["mask_url"] = r.Mask!.ToUrlOrDataUri();
        return body;
    }

    /// <summary>ControlNet union model fal-ai/flux-general loads for pose control, and its conditioning strength.</summary>
    public const string PoseControlNet = "InstantX/FLUX.1-dev-Controlnet-Union";
    public const double PoseConditioningScale = 0.7;

    /// <summary>fal-ai/flux-general: FLUX.1 [dev] with LoRAs and a union ControlNet in pose mode (the control image is an OpenPose skeleton).</summary>
    static JsonObject PoseControl(GenerationRequest r, FalOptions o)
    {
        var body = Flux(r, o);
        body["controlnet_unions"] = new JsonArray(new JsonObject
        {
            ["path"] = PoseControlNet,
            ["controls"] = new JsonArray(new JsonObject
            {
                ["control_image_url"] = r.ControlImage!.ToUrlOrDataUri(),
                ["control_mode"] = "pose",
                ["conditioning_scale"] = PoseConditioningScale,
            }),
        });
        return body;
    }

    /// <summary>What a validation error's field means to a user ("fal rejected the LoRA URL: ...").</summary>
    public static string Noun(string? field) => field switch
    {
        "loras" or "path" => "the LoRA URL",
        "image_url" => "the input image",
        "mask_url" => "the mask",
        "control_image_url" or "controlnet_unions" => "the pose control image",
        "images_data_url" => "the training images zip",
        "base_image_url" => "the target image",
        "swap_image_url" => "the face photo",
        "video_url" => "the video",
        "audio_url" => "the audio",
        "duration" => "the duration",
        "trigger_word" => "the trigger word",
        "prompt" => "the prompt",
        "image_size" => "the image size",
        null or "" => "the request",
        _ => $"the '{field}' field",
    };
}
