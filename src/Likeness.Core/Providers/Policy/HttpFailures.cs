using System.Net;

namespace Likeness.Providers.Policy;

/// <summary>Default HTTP status → failure class mapping; providers refine it with their own error bodies.</summary>
public static class HttpFailures
{
    public static FailureKind KindOf(HttpStatusCode status) => (int)status switch
    {
        503 => FailureKind.Overloaded,
        429 => FailureKind.RateLimited,
        408 => FailureKind.Transient,
        >= 500 => FailureKind.Transient,
        401 or 403 => FailureKind.Unauthorized,
        404 => FailureKind.ModelUnavailable,
        _ => FailureKind.Rejected,
    };

    /// <summary>A user-facing sentence for the class, with the provider's own words and what to do.</summary>
    public static string Describe(FailureKind kind, string display, int status, string providerMessage, string configHint, string model)
    {
        var said = string.IsNullOrWhiteSpace(providerMessage) ? $"HTTP {status}" : $"HTTP {status}: {Trim(providerMessage)}";
        return kind switch
        {
            FailureKind.Overloaded => $"{display} is overloaded or still loading the model ({said}).",
            FailureKind.RateLimited => $"{display} rate limit reached ({said}).",
            FailureKind.Transient => $"{display} had a server error ({said}).",
            FailureKind.Unauthorized => $"{display} refused the API key ({said}). Check it: {configHint}.",
            FailureKind.ModelUnavailable => $"{display} has no model '{model}' available to this account ({said}). Check the model id in configuration.",
            _ => $"{display} rejected the request ({said}).",
        };
    }

    public static string Trim(string text, int max = 400)
    {
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length <= max ? text : text[..max] + "…";
    }
}
