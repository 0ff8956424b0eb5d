namespace Likeness.Providers.Policy;

/// <summary>Removes a provider's secret from any text that may reach a log, an error, the ledger or an export.</summary>
public static class SecretRedactor
{
    public const string Mask = "[redacted]";

    public static string Redact(string? text, string? secret)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        if (string.IsNullOrEmpty(secret) || secret.Length < 4) return text;
        return text.Replace(secret, Mask, StringComparison.Ordinal);
    }
}
