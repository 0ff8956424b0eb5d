using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Likeness.Server.JobEngine;

/// <summary>
/// Job webhook secrets are stored encrypted (ASP.NET Core Data Protection, key ring in the data folder's `keys/`,
/// outside the database): a copy of the database alone cannot forge deliveries.
/// </summary>
public sealed class WebhookSecrets(IDataProtectionProvider provider)
{
    readonly IDataProtector protector = provider.CreateProtector("Likeness.Jobs.WebhookSecret.v1");

    public string? Protect(string? secret) => secret is null ? null : protector.Protect(secret);

    /// <summary>Rows written before secrets were protected hold plaintext: they still verify.</summary>
    public string Unprotect(string? stored)
    {
        if (string.IsNullOrEmpty(stored)) return "";
        try { return protector.Unprotect(stored); }
        catch (CryptographicException) { return stored; }
    }
}
