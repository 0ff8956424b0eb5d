namespace Likeness.Providers.Gemini;

/// <summary>
/// Gemini's block and finish reasons as user-facing failures. Values: BlockedReason and FinishReason in js-genai
/// (src/types.ts) and the API reference (ai.google.dev/api/generate-content#FinishReason), read 2026-12-05.
/// </summary>
static class GeminiReasons
{
    public static ProviderException PromptBlocked(string provider, string reason) => new(FailureKind.BlockedPrompt, provider, reason switch
    {
        "SAFETY" or "PROHIBITED_CONTENT" or "IMAGE_SAFETY" => $"Gemini blocked the prompt or reference images for safety ({reason}). Rephrase the prompt or use other reference images.",
        "BLOCKLIST" => "Gemini blocked the prompt because it contains a blocked term (BLOCKLIST). Remove or rephrase it.",
        "MODEL_ARMOR" => "Gemini's Model Armor screening blocked the prompt (MODEL_ARMOR). Rephrase the prompt.",
        "JAILBREAK" => "Gemini judged the prompt to be an attempt to get around its rules (JAILBREAK). Rephrase the prompt plainly.",
        _ => $"Gemini blocked the prompt ({reason}). Rephrase the prompt or change the reference images.",
    });

    /// <summary>The failure a finish reason means, or null when the answer may carry usable output.</summary>
    public static ProviderException? Stopped(string provider, string? finish) => finish switch
    {
        "SAFETY" or "IMAGE_SAFETY" or "PROHIBITED_CONTENT" or "IMAGE_PROHIBITED_CONTENT" or "BLOCKLIST" or "SPII" =>
            new(FailureKind.SafetyBlock, provider, $"Gemini's safety filter stopped the answer ({finish}). Change the prompt or references."),
        "MODEL_ARMOR" =>
            new(FailureKind.SafetyBlock, provider, "Gemini's Model Armor screening blocked the answer (MODEL_ARMOR). Change the prompt or references."),
        "RECITATION" or "IMAGE_RECITATION" =>
            new(FailureKind.Recitation, provider, $"Gemini stopped because the answer resembled existing material ({finish}). Rephrase the prompt."),
        _ => null,
    };

    /// <summary>Why an answer without the wanted output ended, for the reasons that explain it; null for the rest.</summary>
    public static string? WhyEmpty(string? finish) => finish switch
    {
        "NO_IMAGE" => "Gemini was asked for an image but did not make one (NO_IMAGE). Ask for the image explicitly in the prompt, or try again.",
        "IMAGE_OTHER" => "Gemini stopped making the image for an unspecified reason (IMAGE_OTHER). Try again or rephrase the prompt.",
        "OTHER" => "Gemini stopped for an unspecified reason (OTHER). Try again or rephrase the prompt.",
        "MAX_TOKENS" => "Gemini ran out of output tokens before finishing (MAX_TOKENS). Shorten the request or try again.",
        _ => null,
    };
}
