using System.Security.Claims;
using System.Text.Json;
using Likeness.Server.Api;
using Likeness.Server.Blobs;
using Likeness.Server.Data;
using Microsoft.Extensions.Options;
using Likeness.Server.PhotoChecks;

namespace Likeness.Server.Identities;

/// <summary>
/// `POST /identities/{id}/photos`: every photo is checked first; if any fails, nothing is stored and
/// the answer lists each photo's reasons (file rules, then the face rules of `likeness check`).
/// </summary>
public static class PhotoUploadEndpoint
{
    public static void MapPhotoUpload(this RouteGroupBuilder g) =>
        g.MapPost("/{id:guid}/photos", Upload)
            .Accepts<IFormFileCollection>("multipart/form-data")
            .Produces<List<PhotoCheckDto>>(201)
            .ProducesProblem(413).ProducesProblem(422).ProducesProblem(404).ProducesProblem(503)
            .WithSummary("Upload reference photos (JPEG/PNG/WebP, up to 10 MB each, at least 512x512, one clear, sharp, well-lit face of the same person); " +
                         "each is decoded and face-checked, reasons are returned per photo, and if any fails none is stored.");

    static async Task<IResult> Upload(Guid id, HttpContext http, ClaimsPrincipal user, LikenessDb db, IBlobStore blobs,
        IPhotoChecker checker, IOptions<UploadOptions> uploads, IOptions<PhotoRules> rules, CancellationToken ct)
    {
        if (await IdentityEndpoints.FindAsync(db, user, id, ct) is not { } identity) return Problems.NotFound("Identity", id);
        if (!Uploads.IsMultipart(http.Request))
            return TypedResults.Problem(statusCode: 415, title: "Multipart form expected", detail: "Send multipart/form-data with one or more image files (any field name).");
        var maxFiles = uploads.Value.MaxPhotosPerRequest;
        Uploads.LimitBody(http, rules.Value.MaxBytes * maxFiles + (1 << 20));
        var form = await http.Request.ReadFormAsync(ct);
        if (form.Files.Count == 0) return Problems.Invalid("photos", "no files were sent; attach one or more JPEG, PNG or WebP photos.");
        if (form.Files.Count > maxFiles) return Problems.Invalid("photos", $"{form.Files.Count} files were sent; send at most {maxFiles} per request.");

        var checks = new List<(IFormFile File, byte[]? Bytes, PhotoCheck Check)>();
        var nameProblems = new Dictionary<int, string>();
        foreach (var file in form.Files)
        {
            var name = NameOf(file);
            var nameErrors = new Errors();
            Names.CheckName(nameErrors, "fileName", name);
            if (nameErrors.Any) nameProblems[checks.Count] = $"file name {nameErrors.Summary()}";
            if (file.Length > rules.Value.MaxBytes)
            {
                checks.Add((file, null, new PhotoCheck(false,
                    [$"{name} is {file.Length / 1048576.0:0.0} MB; the limit is {rules.Value.MaxBytes / 1048576.0:0.#} MB per photo: resize or recompress it"],
                    ImageInspection.NotAnImage)));
                continue;
            }
            checks.Add((file, await Uploads.ReadAllAsync(file, ct), null!));
        }
        var toCheck = checks.Select((c, i) => (c, i)).Where(x => x.c.Bytes is not null).ToList();
        var results = await checker.CheckAsync(toCheck.Select(x => new PhotoFile(NameOf(x.c.File), x.c.Bytes!)).ToList(), ct);
        for (var k = 0; k < toCheck.Count; k++) checks[toCheck[k].i] = checks[toCheck[k].i] with { Check = results[k] };
        foreach (var (i, problem) in nameProblems)
            checks[i] = checks[i] with { Check = checks[i].Check with { Passed = false, Reasons = [.. checks[i].Check.Reasons, problem] } };

        if (checks.Any(c => !c.Check.Passed))
        {
            var report = checks.Select(c => Dto(c.File, c.Check, null)).ToList();
            var failed = checks.Count(c => !c.Check.Passed);
            var oversize = checks.Any(c => c.Bytes is null);
            return TypedResults.Problem(
                statusCode: oversize ? 413 : 422,
                title: oversize ? "Photo too large" : "Photos rejected",
                detail: $"{failed} of {checks.Count} photo(s) failed the checks, so none were stored: " +
                        string.Join("; ", checks.Where(c => !c.Check.Passed).SelectMany(c => c.Check.Reasons)) + ".",
                extensions: new Dictionary<string, object?> { ["photos"] = report });
        }

        var now = DateTime.UtcNow;
        var accepted = new List<PhotoCheckDto>();
        foreach (var (file, bytes, check) in checks)
        {
            var blob = await blobs.PutAsync(new MemoryStream(Likeness.Imaging.Codecs.ImageSanitizer.Sanitize(bytes!)), ct);
            var photo = new IdentityPhoto
            {
                Id = Guid.NewGuid(), IdentityId = identity.Id, FileName = NameOf(file), BlobSha256 = blob.Sha256,
                MediaType = check.Image.MediaType!, Size = blob.Size, Width = check.Image.Width, Height = check.Image.Height,
                CheckPassed = true, CheckReasons = JsonSerializer.Serialize(check.Reasons), CreatedAt = now,
            };
            db.IdentityPhotos.Add(photo);
            accepted.Add(Dto(file, check, photo.Id));
        }
        identity.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/identities/{identity.Id}", accepted);
    }

    static string NameOf(IFormFile f) => string.IsNullOrWhiteSpace(f.FileName) ? f.Name : f.FileName;

    static PhotoCheckDto Dto(IFormFile f, PhotoCheck c, Guid? photoId) =>
        new(NameOf(f), c.Passed, [.. c.Reasons], c.Image.Format, c.Image.Width, c.Image.Height, photoId, c.OtherPerson);
}
