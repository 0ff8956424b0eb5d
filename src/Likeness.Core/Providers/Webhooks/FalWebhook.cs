using System.Text.Json;
using System.Text.Json.Nodes;

namespace Likeness.Providers.Webhooks;

/// <summary>fal webhook body: <c>{request_id, gateway_request_id, status: "OK"|"ERROR", payload, error}</c>.</summary>
public static class FalWebhook
{
    /// <exception cref="FormatException">Not a fal webhook body.</exception>
    public static WebhookEvent Parse(string body, DateTimeOffset receivedAt)
    {
        JsonNode? json;
        try { json = JsonNode.Parse(body); }
        catch (JsonException ex) { throw new FormatException("fal webhook body is not JSON", ex); }
        var id = Text(json?["request_id"]);
        var status = Text(json?["status"]);
        if (string.IsNullOrEmpty(id) || status is not ("OK" or "ERROR"))
            throw new FormatException("fal webhook body needs request_id and status OK|ERROR");
        return new WebhookEvent("fal", id, Terminal: true, Succeeded: status == "OK", json, receivedAt);
    }

    public static WebhookDelivery Deliver(this WebhookInbox inbox, string falBody, DateTimeOffset receivedAt)
        => inbox.Deliver(Parse(falBody, receivedAt));

    static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
