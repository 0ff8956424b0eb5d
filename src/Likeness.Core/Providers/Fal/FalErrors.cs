using System.Net;
using System.Text.Json.Nodes;
using Likeness.Providers.Policy;

namespace Likeness.Providers.Fal;

/// <summary>
/// fal's two error shapes, classified by their machine-readable types, never by message text
/// (docs.fal.ai/documentation/model-apis/errors and /request-errors, read 2026-12-05):
/// model errors are <c>{"detail": [{loc, msg, type, ...}]}</c>; request (infrastructure) errors are
/// <c>{"detail": "...", "error_type": "..."}</c> with the same value in the X-Fal-Error-Type header.
/// X-Fal-Retryable, when present, overrides the status code's retry default.
/// </summary>
static class FalErrors
{
    public const string ErrorTypeHeader = "X-Fal-Error-Type";
    public const string RetryableHeader = "X-Fal-Retryable";

    /// <summary>A classified error: the kind, the field it concerns (model errors) and fal's words.</summary>
    public sealed record Classified(FailureKind Kind, string? Field, string Message, string? Type);

    public static Classified Classify(HttpStatusCode status, JsonNode? json, string body, string? headerErrorType, string? headerRetryable)
    {
        var detail = json?["detail"];
        if (detail is JsonArray { Count: > 0 } items)
        {
            // The most severe item decides: a content-policy item makes the whole request a safety block.
            var first = items.FirstOrDefault(i => Str(i?["type"]) == "content_policy_violation") ?? items[0];
            var type = Str(first?["type"]);
            var loc = (first?["loc"] as JsonArray)?.Select(n => n?.ToString()).Where(s => s is not null && s != "body" && !int.TryParse(s, out _)).ToList() ?? [];
            var msg = Str(first?["msg"]) ?? body;
            var kind = type is not null ? ModelErrorKind(type, status) : HttpFailures.KindOf(status);
            return new(Retryable(kind, headerRetryable), loc.FirstOrDefault(), msg, type);
        }
        var errorType = Str(json?["error_type"]) ?? headerErrorType;
        var message = Str(detail) ?? Str(json?["error"]) ?? Str(json?["message"]) ?? body;
        var requestKind = errorType is not null ? RequestErrorKind(errorType, status) : HttpFailures.KindOf(status);
        return new(Retryable(requestKind, headerRetryable), null, message, errorType);
    }

    /// <summary>
    /// Model error types (docs.fal.ai/documentation/model-apis/errors, read 2026-12-05): content_policy_violation is a
    /// safety block; other typed items are input problems on 4xx; a 5xx model error is retried only when X-Fal-Retryable says so.
    /// </summary>
    static FailureKind ModelErrorKind(string type, HttpStatusCode status) => type switch
    {
        "content_policy_violation" => FailureKind.SafetyBlock,
        _ when (int)status >= 500 => FailureKind.ProviderFailed,
        _ when (int)status is 429 or 401 or 403 or 404 => HttpFailures.KindOf(status),
        _ => FailureKind.Rejected,
    };

    /// <summary>
    /// Request error types (docs.fal.ai/documentation/model-apis/request-errors, read 2026-12-05). The queue already
    /// retried runner failures up to 10 times (docs.fal.ai/documentation/serverless/reliability/retries), so a runner or
    /// timeout error is the request's final outcome, not a reason to retry the same call.
    /// </summary>
    static FailureKind RequestErrorKind(string type, HttpStatusCode status) => type switch
    {
        "bad_request" => FailureKind.Rejected,
        "client_cancelled" or "client_disconnected" => FailureKind.ProviderFailed,
        "request_timeout" or "startup_timeout" => FailureKind.ProviderFailed,
        "runner_scheduling_failure" or "runner_connection_timeout" or "runner_disconnected" or "runner_connection_refused"
            or "runner_connection_error" or "runner_incomplete_response" or "runner_server_error" => FailureKind.ProviderFailed,
        "internal_error" => FailureKind.Transient,
        _ => HttpFailures.KindOf(status),
    };

    static FailureKind Retryable(FailureKind kind, string? header) => header?.Trim().ToLowerInvariant() switch
    {
        "false" when kind is FailureKind.Transient or FailureKind.Overloaded => FailureKind.ProviderFailed,
        "true" when kind is FailureKind.ProviderFailed or FailureKind.Rejected => FailureKind.Transient,
        _ => kind,
    };

    /// <summary>A user-facing sentence for a classified error.</summary>
    public static string Describe(Classified error) => error.Kind switch
    {
        FailureKind.SafetyBlock => $"fal.ai's content checker refused {FalInputs.Noun(error.Field)}: {HttpFailures.Trim(error.Message)} Change the prompt or images.",
        FailureKind.Rejected => $"fal.ai rejected {FalInputs.Noun(error.Field)}: {HttpFailures.Trim(error.Message)}",
        _ when error.Type is "client_cancelled" or "client_disconnected" => "fal.ai reports the request was canceled.",
        _ => $"fal.ai could not run the request ({error.Type ?? "no error type"}): {HttpFailures.Trim(error.Message)}",
    };

    static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
