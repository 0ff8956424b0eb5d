using System.Text.Json;
using Likeness.Server.Data;

namespace Likeness.Server.Identities;

public sealed record TraitsDto(
    string? Gender = null, string? HairColour = null, string? EyeColour = null,
    string? Build = null, string? AgeRange = null, string? Description = null);

/// <summary>Who attested that the person consents to their likeness being used, when, and the statement they agreed to.</summary>
public sealed record ConsentDto(string AttestedBy, string Statement, DateTime? AttestedAt = null);

public sealed record LoraDto(string Provider, string Url, string? TriggerWord = null, double Scale = 1.0);

public sealed record CreateIdentityRequest(string Name, ConsentDto Consent, TraitsDto? Traits = null, LoraDto? Lora = null);

/// <summary>Replaces name, traits and LoRA reference; the consent record cannot change.</summary>
public sealed record UpdateIdentityRequest(string Name, TraitsDto? Traits = null, LoraDto? Lora = null);

public sealed record PhotoDto(Guid Id, string FileName, string MediaType, long Size, int Width, int Height, bool CheckPassed, string[] Reasons, DateTime CreatedAt);

public sealed record ViewDto(Guid Id, string Angle, string MediaType, int Width, int Height, DateTime CreatedAt);

public sealed record IdentityDto(
    Guid Id, string Name, TraitsDto Traits, ConsentDto Consent, IdentityStatus Status, string? StatusReason,
    LoraDto? Lora, bool HasEmbedding, IReadOnlyList<PhotoDto> Photos, IReadOnlyList<ViewDto> Views,
    DateTime CreatedAt, DateTime UpdatedAt)
{
    public static IdentityDto From(Identity i) => new(
        i.Id, i.Name,
        new TraitsDto(i.Gender, i.HairColour, i.EyeColour, i.Build, i.AgeRange, i.Description),
        new ConsentDto(i.ConsentAttestedBy, i.ConsentStatement, i.ConsentAttestedAt),
        i.Status, i.StatusReason,
        i.LoraProvider is null ? null : new LoraDto(i.LoraProvider, i.LoraUrl!, i.LoraTriggerWord, i.LoraScale ?? 1.0),
        i.EmbeddingTemplate is not null,
        i.Photos.OrderBy(p => p.CreatedAt).ThenBy(p => p.FileName).Select(Photo).ToList(),
        i.Views.OrderBy(v => v.Angle).Select(View).ToList(),
        i.CreatedAt, i.UpdatedAt);

    public static PhotoDto Photo(IdentityPhoto p) => new(p.Id, p.FileName, p.MediaType, p.Size, p.Width, p.Height, p.CheckPassed,
        JsonSerializer.Deserialize<string[]>(p.CheckReasons) ?? [], p.CreatedAt);

    public static ViewDto View(IdentityView v) => new(v.Id, v.Angle, v.MediaType, v.Width, v.Height, v.CreatedAt);
}

/// <summary>Result of checking one uploaded photo.</summary>
/// <param name="OtherPerson">Refused because it does not look like the same person as the other photos of the upload.</param>
public sealed record PhotoCheckDto(string FileName, bool Accepted, string[] Reasons, string? Format, int Width, int Height, Guid? PhotoId = null, bool OtherPerson = false);

/// <summary>Portable identity document (`GET /identities/{id}/export`, `POST /identities/import`).</summary>
public sealed record IdentityExport(
    string Format, DateTime ExportedAt, string Name, ConsentDto Consent, TraitsDto? Traits = null, LoraDto? Lora = null,
    string? EmbeddingTemplate = null, IReadOnlyList<ExportedImage>? Photos = null, IReadOnlyList<ExportedImage>? Views = null)
{
    public const string FormatV1 = "likeness.identity/v1";
}

/// <param name="Name">File name for photos, angle for views.</param>
/// <param name="Data">Base64 image bytes; present only when the export was asked to include images.</param>
public sealed record ExportedImage(string Name, string MediaType, int Width, int Height, string Sha256, string? Data = null);

public sealed record ImportResult(IdentityDto Identity, string[] Skipped);
