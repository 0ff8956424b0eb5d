namespace Likeness.Server.Api;

/// <summary>Rules for user-given names and folders: plain text, never paths that could escape a folder.</summary>
public static class Names
{
    public const int MaxLength = 200;

    public static void CheckName(Errors errors, string field, string? value, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) errors.Add(field, "is required and must not be blank.");
            return;
        }
        if (value.Length > MaxLength) errors.Add(field, $"is {value.Length} characters; the limit is {MaxLength}.");
        if (value.IndexOfAny(['/', '\\']) >= 0 || value is "." or ".." || value.Contains(".."))
            errors.Add(field, $"'{value}' looks like a path; use a plain name without '/', '\\' or '..'.");
        if (value.Any(char.IsControl)) errors.Add(field, "must not contain control characters.");
        if (HasInvisibleFormatting(value)) errors.Add(field, "must not contain invisible formatting characters (bidi overrides such as U+202E, zero-width marks): they make a name display as something else.");
    }

    /// <summary>Unicode format characters (category Cf: bidi overrides and isolates, zero-width joiners) disguise names, e.g. "photo\u202Egnp.exe".</summary>
    public static bool HasInvisibleFormatting(string value) =>
        value.Any(c => char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format);

    /// <summary>Folders are '/'-separated plain names ("campaigns/summer"); empty means the root.</summary>
    public static void CheckFolder(Errors errors, string field, string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        if (value.Length > MaxLength) errors.Add(field, $"is {value.Length} characters; the limit is {MaxLength}.");
        if (value.StartsWith('/') || value.EndsWith('/') || value.Contains('\\') || value.Split('/').Any(s => s is "" or "." or ".." || s.Contains("..")) || value.Any(char.IsControl) || HasInvisibleFormatting(value))
            errors.Add(field, $"'{value}' is not a folder name: use plain names separated by '/', without '..', '\\' or leading/trailing '/'.");
    }

    public static void CheckText(Errors errors, string field, string? value, int max = 2000)
    {
        if (value is not null && value.Length > max) errors.Add(field, $"is {value.Length} characters; the limit is {max}.");
    }
}
