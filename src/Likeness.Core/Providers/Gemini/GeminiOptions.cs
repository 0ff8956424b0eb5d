namespace Likeness.Providers.Gemini;

/// <summary>Google Gemini API (generateContent). Key from Providers:Gemini:ApiKey, GEMINI_API_KEY or GOOGLE_API_KEY.</summary>
public sealed class GeminiOptions : ProviderOptions
{
    public GeminiOptions()
    {
        BaseUrl = "https://generativelanguage.googleapis.com/v1beta";
        RateLimit.RequestsPerMinute = 10;
        RateLimit.Burst = 2;
    }

    /// <summary>Asked with the image when describing it and no prompt is given.</summary>
    public string DescribePrompt { get; set; } =
        "Describe the person in this image for a character sheet: apparent age, hair, eyes, skin, build, clothing and distinctive features. Plain prose, no lists.";
}
