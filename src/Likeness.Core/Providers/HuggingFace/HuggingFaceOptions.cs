namespace Likeness.Providers.HuggingFace;

/// <summary>Hugging Face Inference (hf-inference). Token from Providers:HuggingFace:ApiKey or HF_TOKEN.</summary>
public sealed class HuggingFaceOptions : ProviderOptions
{
    public HuggingFaceOptions()
    {
        BaseUrl = "https://router.huggingface.co/hf-inference";
        RateLimit.RequestsPerMinute = 30;
    }

    /// <summary>Hub API, used by `providers check` (whoami, model info).</summary>
    public string HubBaseUrl { get; set; } = "https://huggingface.co";
}
