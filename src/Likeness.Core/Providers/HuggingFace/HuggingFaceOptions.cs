namespace Likeness.Providers.HuggingFace;

/// <summary>Hugging Face Inference Providers (the router). Token from Providers:HuggingFace:ApiKey or HF_TOKEN.</summary>
public sealed class HuggingFaceOptions : ProviderOptions
{
    public HuggingFaceOptions()
    {
        BaseUrl = "https://router.huggingface.co";
        RateLimit.RequestsPerMinute = 30;
    }

    /// <summary>Hub API: whoami, and each model's inferenceProviderMapping (which providers serve it).</summary>
    public string HubBaseUrl { get; set; } = "https://huggingface.co";

    /// <summary>
    /// Which inference provider runs text-to-image: "auto" = the first live provider in the model's mapping that this
    /// client speaks (hf-inference, fal-ai, nebius, together, nscale), or one of those names to force it.
    /// </summary>
    public string InferenceProvider { get; set; } = "auto";
}
