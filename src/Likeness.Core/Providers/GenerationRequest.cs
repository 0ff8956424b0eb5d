namespace Likeness.Providers;

/// <summary>An image, video or audio file handed to a provider: bytes (sent inline or as a data URI) or a URL the provider fetches itself.</summary>
public sealed record MediaInput(byte[]? Bytes, string MimeType = "image/png", string? Url = null)
{
    public static MediaInput FromBytes(byte[] bytes, string mimeType = "image/png") => new(bytes, mimeType);
    public static MediaInput FromUrl(string url) => new(null, "application/octet-stream", url);

    /// <summary>The URL, or a base64 data URI for inline bytes (accepted by fal and Replicate).</summary>
    public string ToUrlOrDataUri() => Url ?? $"data:{MimeType};base64,{Convert.ToBase64String(Bytes ?? [])}";
}

/// <summary>A LoRA applied at generation time: weights URL and strength.</summary>
public sealed record LoraWeight(string Path, double Scale = 1.0);

/// <summary>
/// One operation for the provider layer. Only the fields the operation needs are read;
/// <see cref="GenerationRequestValidator"/> says which are missing.
/// </summary>
public sealed record GenerationRequest
{
    public required GenerationOperation Operation { get; init; }
    public string? Prompt { get; init; }

    /// <summary>Pin a route: "provider" or "provider:model" (e.g. "fal:fal-ai/flux-lora"). Null = the configured routes.</summary>
    public string? Route { get; init; }

    /// <summary>Identity references (character consistency), in order.</summary>
    public IReadOnlyList<MediaInput> ReferenceImages { get; init; } = [];
    /// <summary>The image to edit, inpaint, describe, cut out, swap a face into, or animate.</summary>
    public MediaInput? Image { get; init; }
    /// <summary>Lip-sync: the video whose mouth follows <see cref="Audio"/>.</summary>
    public MediaInput? Video { get; init; }
    public MediaInput? Audio { get; init; }
    /// <summary>Video operations: seconds of video asked for (image-to-video) or expected (lip-sync: the audio's length); priced per second.</summary>
    public double? DurationSeconds { get; init; }
    public MediaInput? Mask { get; init; }
    public MediaInput? ControlImage { get; init; }

    public IReadOnlyList<LoraWeight> Loras { get; init; } = [];
    public int Width { get; init; } = 1024;
    public int Height { get; init; } = 1024;
    public int ImageCount { get; init; } = 1;
    public int? Steps { get; init; }
    public double? GuidanceScale { get; init; }
    public long? Seed { get; init; }

    /// <summary>Training: one zip of photos, reachable by the provider.</summary>
    public string? TrainingImagesZipUrl { get; init; }
    public string? TriggerWord { get; init; }
}

public static class GenerationRequestValidator
{
    /// <summary>Null when the request carries what its operation needs, else what is missing.</summary>
    public static string? Problem(GenerationRequest r) => r.Operation switch
    {
        GenerationOperation.TextToImage when string.IsNullOrWhiteSpace(r.Prompt) => "text-to-image needs a prompt",
        GenerationOperation.ImageEdit when r.Image is null || string.IsNullOrWhiteSpace(r.Prompt) => "image edit needs a scene image and a prompt",
        GenerationOperation.Inpaint when r.Image is null || r.Mask is null || string.IsNullOrWhiteSpace(r.Prompt) => "inpaint needs an image, a mask and a prompt",
        GenerationOperation.DescribeImage when r.Image is null => "image description needs an image",
        GenerationOperation.TrainLora when string.IsNullOrWhiteSpace(r.TrainingImagesZipUrl) || string.IsNullOrWhiteSpace(r.TriggerWord) => "LoRA training needs a zip URL of photos and a trigger word",
        GenerationOperation.RemoveBackground when r.Image is null => "background removal needs an image",
        GenerationOperation.PoseControl when r.ControlImage is null || string.IsNullOrWhiteSpace(r.Prompt) => "pose generation needs a control (pose) image and a prompt",
        GenerationOperation.FaceSwap when r.Image is null || r.ReferenceImages.Count == 0 => "face swap needs the target image and a photo of the face (the first reference image)",
        GenerationOperation.ImageToVideo when r.Image is null || string.IsNullOrWhiteSpace(r.Prompt) => "image-to-video needs the first-frame image and a prompt describing the motion",
        GenerationOperation.LipSync when r.Video is null || r.Audio is null => "lip-sync needs a video and an audio file",
        GenerationOperation.ImageToVideo or GenerationOperation.LipSync when r.DurationSeconds is <= 0 or > 600 => "the duration must be over 0 and at most 600 seconds",
        _ when r.ImageCount is < 1 or > 8 => "image count must be 1..8",
        _ when r.Width is < 64 or > 4096 || r.Height is < 64 or > 4096 => "width and height must be 64..4096",
        _ => null,
    };
}
