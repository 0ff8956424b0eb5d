using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Likeness.Providers.Webhooks;

/// <summary>Replicate webhooks carry the whole prediction; signed per Standard Webhooks (webhook-id/-timestamp/-signature, whsec_ secret).</summary>
public static class ReplicateWebhook
{
    static readonly string[] TerminalStatuses = ["succeeded", "failed", "canceled", "aborted"];

    /// <exception cref="FormatException">Not a prediction body.</exception>
    public static WebhookEvent Parse(string body, DateTimeOffset receivedAt)
    {
        JsonNode? json;
        try { json = JsonNode.Parse(body); }
        catch (JsonException ex) { throw new FormatException("Replicate webhook body is not JSON", ex); }
        var id = Text(json?["id"]);
        var status = Text(json?["status"]);
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(status))
            throw new FormatException("Replicate webhook body needs a prediction id and status");
        return new WebhookEvent("replicate", id, TerminalStatuses.Contains(status), status == "succeeded", json, receivedAt);
    }

    /// <summary>Checks the HMAC-SHA256 signature over "{id}.{timestamp}.{body}" and that the timestamp is recent.</summary>
    public static bool Verify(string webhookId, string timestamp, string signatureHeader, string body, string secret, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        if (!long.TryParse(timestamp, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)) return false;
        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > (tolerance ?? TimeSpan.FromMinutes(5))) return false;
        byte[] key;
        try { key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret); }
        catch (FormatException) { return false; }
        var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{webhookId}.{timestamp}.{body}"));
        foreach (var part in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = part.IndexOf(',');
            if (comma < 0 || part[..comma] != "v1") continue;
            byte[] given;
            try { given = Convert.FromBase64String(part[(comma + 1)..]); }
            catch (FormatException) { continue; }
            if (CryptographicOperations.FixedTimeEquals(given, expected)) return true;
        }
        return false;
    }

    /// <summary>Signs like Replicate does; for tests and local tools.</summary>
    public static string Sign(string webhookId, string timestamp, string body, string secret)
    {
        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{webhookId}.{timestamp}.{body}")));
    }

    static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
