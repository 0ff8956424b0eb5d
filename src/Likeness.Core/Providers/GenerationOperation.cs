namespace Likeness.Providers;

/// <summary>What the product asks a generative provider to do.</summary>
public enum GenerationOperation
{
    TextToImage,
    /// <summary>Edit a scene image, keeping the identity of the reference images.</summary>
    ImageEdit,
    /// <summary>Regenerate the masked part of an image (white = repaint).</summary>
    Inpaint,
    /// <summary>Vision: image in, text out.</summary>
    DescribeImage,
    /// <summary>Zip of photos + trigger word in, LoRA weights file out.</summary>
    TrainLora,
    RemoveBackground,
    /// <summary>Generation conditioned on a pose/ControlNet image.</summary>
    PoseControl,
    /// <summary>A learned face swap: the face of the first reference image onto the face in <see cref="GenerationRequest.Image"/>.</summary>
    FaceSwap,
    /// <summary>Animate <see cref="GenerationRequest.Image"/> as its first frame, following the prompt; video out.</summary>
    ImageToVideo,
    /// <summary>Re-time the mouth in <see cref="GenerationRequest.Video"/> to <see cref="GenerationRequest.Audio"/>; video out.</summary>
    LipSync,
}
