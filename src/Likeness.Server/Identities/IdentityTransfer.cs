using System.Security.Claims;
using System.Text.Json;
using Likeness.Server.Api;
using Likeness.Server.Auth;
using Likeness.Server.Blobs;
using Likeness.Server.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Likeness.Server.PhotoChecks;

namespace Likeness.Server.Identities;

/// <summary>Identity export/import as a JSON document. Images travel only when asked (they are biometric data).</summary>
public static class IdentityTransfer
{
    internal static async Task<Results<Ok<IdentityExport>, ProblemHttpResult>> Export(
        Guid id, bool? includeImages, ClaimsPrincipal user, LikenessDb db, IBlobStore blobs, CancellationToken ct)
    {
        if (await IdentityEndpoints.FindAsync(db, user, id, ct) is not { } i) return Problems.NotFound("Identity", id);
        var withData = includeImages == true;
        var photos = new List<ExportedImage>();
        foreach (var p in i.Photos.OrderBy(p => p.CreatedAt))
            photos.Add(new ExportedImage(p.FileName, p.MediaType, p.Width, p.Height, p.BlobSha256, withData ? await Base64Async(blobs, p.BlobSha256, ct) : null));
        var views = new List<ExportedImage>();
        foreach (var v in i.Views.OrderBy(v => v.Angle))
            views.Add(new ExportedImage(v.Angle, v.MediaType, v.Width, v.Height, v.BlobSha256, withData ? await Base64Async(blobs, v.BlobSha256, ct) : null));
        var dto = IdentityDto.From(i);
        return TypedResults.Ok(new IdentityExport(IdentityExport.FormatV1, DateTime.UtcNow, i.Name, dto.Consent, dto.Traits, dto.Lora,
            i.EmbeddingTemplate is null ? null : Convert.ToBase64String(i.EmbeddingTemplate), photos, views));
    }

    static async Task<string?> Base64Async(IBlobStore blobs, string sha, CancellationToken ct)
    {
        await using var stream = await blobs.OpenReadAsync(sha, ct);
        if (stream is null) return null;
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, ct);
        return Convert.ToBase64String(copy.GetBuffer(), 0, (int)copy.Length);
    }

    /// <summary>
    /// Creates a new identity from an export. Images without data are skipped (a blob address alone
    /// must never grant access to bytes stored for someone else); images with data are checked again.
    /// </summary>
    internal static async Task<Results<Created<ImportResult>, ValidationProblem>> Import(
        IdentityExport document, ClaimsPrincipal user, LikenessDb db, IBlobStore blobs, IPhotoChecker checker, IImageInspector inspector, CancellationToken ct)
    {
        var errors = IdentityEndpoints.Validate(document.Name, document.Traits, document.Lora, document.Consent);
        if (document.Format != IdentityExport.FormatV1) errors.Add("format", $"must be '{IdentityExport.FormatV1}'.");
        byte[]? embedding = null;
        if (document.EmbeddingTemplate is { } e)
        {
            if (!TryBase64(e, out embedding)) errors.Add("embeddingTemplate", "is not valid base64.");
            else if (EmbeddingProblem(embedding) is { } problem) errors.Add("embeddingTemplate", problem);
        }
        var skipped = new List<string>();
        var photos = new List<(ExportedImage Meta, byte[] Bytes, PhotoCheck Check, int Index)>();
        foreach (var (p, n) in (document.Photos ?? []).Select((p, n) => (p, n)))
        {
            Names.CheckName(errors, $"photos[{n}].name", p.Name);
            if (p.Data is null) { skipped.Add($"photo {p.Name}: exported without image data"); continue; }
            if (!TryBase64(p.Data, out var bytes)) { errors.Add($"photos[{n}].data", "is not valid base64."); continue; }
            if (HashProblem(p, bytes) is { } hash) { errors.Add($"photos[{n}].sha256", hash); continue; }
            photos.Add((p, bytes, null!, n));
        }
        var checks = await checker.CheckAsync(photos.Select(p => new PhotoFile(p.Meta.Name, p.Bytes)).ToList(), ct);
        for (var k = 0; k < photos.Count; k++)
        {
            photos[k] = photos[k] with { Check = checks[k] };
            if (!checks[k].Passed) errors.Add($"photos[{photos[k].Index}]", string.Join("; ", checks[k].Reasons));
        }
        var views = new List<(ExportedImage Meta, byte[] Bytes, ImageInspection Image)>();
        foreach (var (v, n) in (document.Views ?? []).Select((v, n) => (v, n)))
        {
            if (!IdentityViewNames.All.Contains(v.Name)) errors.Add($"views[{n}].name", $"'{v.Name}' is not a view; use one of {string.Join(", ", IdentityViewNames.All)}.");
            if (v.Data is null) { skipped.Add($"view {v.Name}: exported without image data"); continue; }
            if (!TryBase64(v.Data, out var bytes)) { errors.Add($"views[{n}].data", "is not valid base64."); continue; }
            if (HashProblem(v, bytes) is { } hash) { errors.Add($"views[{n}].sha256", hash); continue; }
            var image = inspector.Inspect(bytes);
            if (!image.IsImage) errors.Add($"views[{n}]", image.Problem!);
            views.Add((v, bytes, image));
        }
        if (errors.Any) return Problems.Invalid(errors);

        var identity = IdentityEndpoints.New(user.UserId(), document.Name, document.Consent, document.Traits, document.Lora);
        identity.EmbeddingTemplate = embedding;
        var now = DateTime.UtcNow;
        foreach (var (meta, bytes, check, _) in photos)
        {
            var blob = await blobs.PutAsync(new MemoryStream(bytes), ct);
            identity.Photos.Add(new IdentityPhoto
            {
                Id = Guid.NewGuid(), FileName = meta.Name, BlobSha256 = blob.Sha256, MediaType = check.Image.MediaType!, Size = blob.Size,
                Width = check.Image.Width, Height = check.Image.Height, CheckPassed = true, CheckReasons = JsonSerializer.Serialize(check.Reasons), CreatedAt = now,
            });
        }
        foreach (var (meta, bytes, image) in views)
        {
            var blob = await blobs.PutAsync(new MemoryStream(bytes), ct);
            identity.Views.Add(new IdentityView { Id = Guid.NewGuid(), Angle = meta.Name, BlobSha256 = blob.Sha256, MediaType = image.MediaType!, Width = image.Width, Height = image.Height, CreatedAt = now });
        }
        if (embedding is not null && identity.Views.Count > 0) identity.Status = IdentityStatus.Ready;
        db.Identities.Add(identity);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/identities/{identity.Id}", new ImportResult(IdentityDto.From(identity), [.. skipped]));
    }

    static string? HashProblem(ExportedImage image, byte[] bytes)
    {
        var actual = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        return string.Equals(image.Sha256, actual, StringComparison.OrdinalIgnoreCase) ? null
            : $"is {image.Sha256}, but the data's SHA-256 is {actual}: the export was altered or damaged; export it again.";
    }

    /// <summary>A template is little-endian float32s, 64 to 4096 of them, finite, of unit length (as the views job writes it).</summary>
    internal static string? EmbeddingProblem(byte[] bytes)
    {
        if (bytes.Length % 4 != 0 || bytes.Length / 4 is < 64 or > 4096)
            return $"is {bytes.Length} bytes; a template is 64 to 4096 float32 values. Leave it out and run POST /identities/{{id}}/views to compute it.";
        double sum = 0;
        for (var i = 0; i < bytes.Length; i += 4)
        {
            var v = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i));
            if (!float.IsFinite(v)) return "holds values that are not finite numbers (NaN or infinity). Leave it out and run POST /identities/{id}/views to compute it.";
            sum += (double)v * v;
        }
        return Math.Abs(Math.Sqrt(sum) - 1) > 0.01 ? $"has length {Math.Sqrt(sum):0.###}, not 1: it is not a normalised template. Leave it out and run POST /identities/{{id}}/views to compute it." : null;
    }

    static bool TryBase64(string s, out byte[] bytes)
    {
        try { bytes = Convert.FromBase64String(s); return true; }
        catch (FormatException) { bytes = []; return false; }
    }
}
