using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Likeness.Providers.Policy;

/// <summary>Reads how long a provider asks us to wait: Retry-After, RateLimit / RateLimit-Reset headers.</summary>
public static partial class RetryHints
{
    public static TimeSpan? FromHeaders(HttpResponseHeaders headers, DateTimeOffset now)
    {
        if (headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta) return NonNegative(delta);
            if (retryAfter.Date is { } date) return NonNegative(date - now);
        }
        // IETF draft: "RateLimit: limit=100, remaining=0, reset=30" or structured "RateLimit: \"api\";r=0;t=30" (Hugging Face).
        if (headers.TryGetValues("RateLimit", out var values))
        {
            foreach (var value in values)
            {
                var match = ResetPattern().Match(value);
                if (match.Success && double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                    return NonNegative(TimeSpan.FromSeconds(seconds));
            }
        }
        if (headers.TryGetValues("RateLimit-Reset", out var resets)
            && double.TryParse(resets.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var reset))
            return NonNegative(TimeSpan.FromSeconds(reset));
        return null;
    }

    /// <summary>Google's "37s" / "1.5s" durations (RetryInfo.retryDelay).</summary>
    public static TimeSpan? FromGoogleDuration(string? value)
        => value is not null && value.EndsWith('s')
           && double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var s)
            ? TimeSpan.FromSeconds(s) : null;

    static TimeSpan NonNegative(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : t;

    [GeneratedRegex(@"(?:^|[;,\s])(?:t|reset)=(\d+(?:\.\d+)?)", RegexOptions.IgnoreCase)]
    private static partial Regex ResetPattern();
}
