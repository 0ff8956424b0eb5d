using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Likeness.Server.Api;

/// <summary>Turns request-binding failures into clear 4xx ProblemDetails and anything else into a 500 without internals.</summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested) return true;
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } => (400, "The JSON body is not valid", Describe(json)),
            JsonException json => (400, "The JSON body is not valid", Describe(json)),
            BadHttpRequestException { StatusCode: 413 } => (413, "Request too large", "The request body is larger than this endpoint accepts: send smaller files (photos: 10 MB each)."),
            InvalidDataException data when data.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) =>
                (413, "Request too large", $"The upload exceeds a size limit ({data.Message}): send fewer or smaller files."),
            InvalidDataException data => (400, "The multipart body is not valid", data.Message),
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", DescribeBinding(bad.Message)),
            Likeness.Models.ModelUnavailableException model => (503, "Vision model unavailable",
                $"This needs the local vision models, which this server cannot load: {model.Message} Run `likeness models fetch` (or set LIKENESS_MODEL_MIRROR) and try again."),
            Likeness.Server.Blobs.BlobStoreUnavailableException blobs => (503, "Storage unavailable", $"{blobs.Message} Try again when it is back."),
            _ => (500, "Unexpected server error", "The server failed to handle this request; the server log has the details under this trace id."),
        };
        if (status >= 500) log.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
        else log.LogDebug(exception, "Rejected {Method} {Path}: {Detail}", context.Request.Method, context.Request.Path, detail);
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>A binding failure in the API's own terms: the parameter's name and what it takes, never .NET types or framework wording.</summary>
    public static string DescribeBinding(string message)
    {
        if (BindFailure().Match(message) is { Success: true } bind)
            return $"'{bind.Groups[2].Value}' is not a valid value for `{bind.Groups[1].Value}`: expected {Friendly(ClrName(bind.Groups[0].Value))}.";
        if (message.Contains("body", StringComparison.OrdinalIgnoreCase))
            return "This endpoint needs a JSON body (Content-Type: application/json); /openapi/v1.json lists its fields.";
        if (RequiredParameter().Match(message) is { Success: true } required)
            return $"`{required.Groups[1].Value}` is required; /openapi/v1.json lists this endpoint's parameters.";
        return "The request could not be read; compare it with /openapi/v1.json.";
    }

    static string ClrName(string bindMessage) => bindMessage.Contains("int", StringComparison.OrdinalIgnoreCase) ? "System.Int32"
        : bindMessage.Contains("Guid", StringComparison.Ordinal) ? "System.Guid"
        : bindMessage.Contains("bool", StringComparison.OrdinalIgnoreCase) ? "System.Boolean"
        : bindMessage.Contains("double", StringComparison.OrdinalIgnoreCase) ? "System.Double" : "";

    /// <summary>A JSON error in the API's terms (field path and expected value), without the .NET types behind it.</summary>
    public static string Describe(JsonException json)
    {
        var path = json.Path is { Length: > 1 } p ? p : "the body";
        var message = json.Message;
        if (UnknownMember().Match(message) is { Success: true } unknown)
            return $"Unknown field '{unknown.Groups[1].Value}' at {path}: remove it. The OpenAPI document at /openapi/v1.json lists the accepted fields.";
        if (MissingRequired().Match(message) is { Success: true } missing)
            return $"Missing required field(s) {missing.Groups[1].Value} in {path}.";
        foreach (var (enumType, allowed) in Json.EnumValues)
            if (message.Contains(enumType, StringComparison.Ordinal))
                return $"Invalid value at {path}: use one of {string.Join(", ", allowed)}.";
        if (NotConvertible().Match(message) is { Success: true } convert)
        {
            var type = LeafType(convert.Groups[1].Value, json.Path) ?? convert.Groups[1].Value;
            if (Json.EnumValues.TryGetValue(type, out var allowed)) return $"Invalid value at {path}: use one of {string.Join(", ", allowed)}.";
            if (type.StartsWith("System.Nullable`1[[System.Guid") || type == "System.Guid") return $"Invalid value at {path}: expected an id (a UUID).";
            return $"Invalid value at {path}: expected {Friendly(type)}.";
        }
        if (message.Contains("null", StringComparison.OrdinalIgnoreCase) && message.Contains("non-nullable", StringComparison.OrdinalIgnoreCase))
            return $"{path} must not be null.";
        return $"The body is not valid JSON at {path}: {ClrTypeName().Replace(message.Split(" Path:")[0], "a value")}";
    }

    /// <summary>The .NET type at a JSON path below a request type, so the message can name the expected values.</summary>
    static string? LeafType(string rootType, string? path)
    {
        var type = typeof(Json).Assembly.GetType(rootType);
        if (type is null || path is null) return null;
        foreach (var segment in path.TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment.Split('[')[0];
            var property = type.GetProperty(name, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase);
            if (property is null) return null;
            type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (segment.Contains('[') && type.IsGenericType) type = type.GetGenericArguments()[0];
        }
        return (Nullable.GetUnderlyingType(type) ?? type).FullName;
    }

    static string Friendly(string type) => type switch
    {
        "System.String" => "a string",
        "System.Int32" or "System.Int64" => "an integer",
        "System.Double" or "System.Decimal" => "a number",
        "System.Boolean" => "true or false",
        "System.DateTime" or "System.DateTimeOffset" => "an ISO 8601 date-time",
        "System.Guid" => "an id (a UUID)",
        _ => "a value of another shape (see /openapi/v1.json)",
    };

    [GeneratedRegex("Failed to bind parameter \"[^\"]* ([A-Za-z0-9_]+)\" from \"([^\"]*)\"")]
    private static partial Regex BindFailure();

    [GeneratedRegex("Required parameter \"[^\"]* ([A-Za-z0-9_]+)\"")]
    private static partial Regex RequiredParameter();

    [GeneratedRegex(@"(System|Likeness|Microsoft)(\.[A-Za-z0-9_`\[\],]+)+")]
    private static partial Regex ClrTypeName();

    [GeneratedRegex("The JSON property '([^']*)' could not be mapped")]
    private static partial Regex UnknownMember();

    [GeneratedRegex("missing required properties including: (.*?)\\.?$")]
    private static partial Regex MissingRequired();

    [GeneratedRegex("could not be converted to ([^ ]+?)\\.? Path")]
    private static partial Regex NotConvertible();
}
