using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Likeness.Providers.Webhooks;

/// <summary>The X-Fal-Webhook-* headers of one delivery.</summary>
public sealed record FalWebhookHeaders(string? RequestId, string? UserId, string? Timestamp, string? Signature)
{
    public const string RequestIdHeader = "X-Fal-Webhook-Request-Id";
    public const string UserIdHeader = "X-Fal-Webhook-User-Id";
    public const string TimestampHeader = "X-Fal-Webhook-Timestamp";
    public const string SignatureHeader = "X-Fal-Webhook-Signature";
}

/// <summary>
/// fal signs each webhook with Ed25519: the message is request id, user id, timestamp (Unix seconds) and the
/// lower-case hex SHA-256 of the raw body, joined by newlines; the signature is hex; the public keys are the
/// "x" values (base64url) of fal's JWKS. Deliveries older or newer than the tolerance are refused (replays).
/// </summary>
public static class FalWebhookSignature
{
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>Null when the delivery is signed by one of <paramref name="publicKeys"/>, else why not.</summary>
    public static string? Problem(FalWebhookHeaders headers, ReadOnlySpan<byte> body, IEnumerable<byte[]> publicKeys, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        if (string.IsNullOrEmpty(headers.RequestId) || string.IsNullOrEmpty(headers.UserId) || string.IsNullOrEmpty(headers.Timestamp) || string.IsNullOrEmpty(headers.Signature))
            return $"the {FalWebhookHeaders.RequestIdHeader}, {FalWebhookHeaders.UserIdHeader}, {FalWebhookHeaders.TimestampHeader} and {FalWebhookHeaders.SignatureHeader} headers are required";
        if (!long.TryParse(headers.Timestamp, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
            return "the timestamp is not a number of seconds";
        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > (tolerance ?? DefaultTolerance))
            return "the timestamp is outside the accepted window (replayed or clock skew)";
        byte[] signature;
        try { signature = Convert.FromHexString(headers.Signature); }
        catch (FormatException) { return "the signature is not hex"; }
        var message = Message(headers.RequestId, headers.UserId, headers.Timestamp, body);
        foreach (var key in publicKeys)
            if (Ed25519.Verify(key, message, signature)) return null;
        return "the signature does not match any of fal's public keys";
    }

    public static byte[] Message(string requestId, string userId, string timestamp, ReadOnlySpan<byte> body)
        => Encoding.UTF8.GetBytes($"{requestId}\n{userId}\n{timestamp}\n{Convert.ToHexStringLower(SHA256.HashData(body))}");

    /// <summary>Signs like fal does (hex signature); for tests and local tools.</summary>
    public static string Sign(byte[] privateKey, string requestId, string userId, string timestamp, ReadOnlySpan<byte> body)
        => Convert.ToHexStringLower(Ed25519.Sign(privateKey, Message(requestId, userId, timestamp, body)));
}
