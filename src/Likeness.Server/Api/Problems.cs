using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Likeness.Server.Api;

/// <summary>Every error is a ProblemDetails whose detail says what went wrong and what to do.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string what, Guid id) =>
        TypedResults.Problem(statusCode: 404, title: $"{what} not found", detail: $"No {what.ToLowerInvariant()} with id {id} exists for this user.");

    public static ProblemHttpResult Conflict(string title, string detail) => TypedResults.Problem(statusCode: 409, title: title, detail: detail);

    public static ProblemHttpResult TooLarge(string detail) => TypedResults.Problem(statusCode: 413, title: "Upload too large", detail: detail);

    public static ProblemHttpResult Unprocessable(string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(statusCode: 422, title: title, detail: detail, extensions: extensions);

    public static ValidationProblem Invalid(Errors errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), detail: errors.Summary(), title: "The request has invalid fields");

    public static ValidationProblem Invalid(string field, string message) => Invalid(new Errors().Add(field, message));

    /// <summary>Field errors with another status than 400 (e.g. 422 when the input names things this server does not have).</summary>
    public static IResult Invalid(Errors errors, int status) => status == 400 ? Invalid(errors)
        : TypedResults.Problem(new HttpValidationProblemDetails(errors.ToDictionary()) { Status = status, Title = "The request has invalid fields", Detail = errors.Summary() });
}

/// <summary>Collects field errors; empty means valid.</summary>
public sealed class Errors
{
    readonly Dictionary<string, List<string>> byField = [];

    public bool Any => byField.Count > 0;

    public Errors Add(string field, string message)
    {
        if (!byField.TryGetValue(field, out var list)) byField[field] = list = [];
        list.Add(message);
        return this;
    }

    public Dictionary<string, string[]> ToDictionary() => byField.ToDictionary(p => p.Key, p => p.Value.ToArray());

    public string Summary() => string.Join(" ", byField.SelectMany(p => p.Value.Select(m => $"{p.Key}: {m}")));
}
