using System.Security.Claims;
using Likeness.Server.Api;
using Likeness.Server.Auth;
using Likeness.Server.Blobs;
using Likeness.Server.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Identities;

public static class IdentityEndpoints
{
    public static void MapIdentities(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/identities").WithTags("Identities").RequireAuthorization();
        g.MapGet("/", List).WithSummary("List your identities, paged (?page=, ?pageSize= up to 500; X-Total-Count gives the total).");
        g.MapPost("/", Create).WithSummary("Create an identity; a consent record is required.");
        g.MapGet("/{id:guid}", Get).WithSummary("One identity with its photos and views.");
        g.MapPut("/{id:guid}", Update).WithSummary("Replace name, traits and LoRA reference.");
        g.MapDelete("/{id:guid}", Delete).WithSummary("Delete an identity and erase its photos, embedding, views and derived images.");
        g.MapGet("/{id:guid}/views", Views).WithSummary("The identity's views (angle, size, and from the views job that made them: yaw, source photo or generating provider, similarity); download one with GET /identities/{id}/views/{angle}.");
        g.MapGet("/{id:guid}/views/report", ViewsReport)
            .WithSummary("What the newest finished views job said: per angle the view made (source photo or generation, yaw, similarity) or why it is missing, and the photos left out.");
        g.MapIdentityViews();
        g.MapIdentityLora();
        g.MapIdentityAvatars();
        g.MapGet("/{id:guid}/photos/{photoId:guid}/content", PhotoContent).WithSummary("Download a reference photo.");
        g.MapDelete("/{id:guid}/photos/{photoId:guid}", DeletePhoto).WithSummary("Remove a reference photo (erased when nothing else uses it).");
        g.MapPhotoUpload();
        g.MapGet("/{id:guid}/export", IdentityTransfer.Export).WithSummary("Export as JSON; images only with ?includeImages=true.");
        g.MapPost("/import", IdentityTransfer.Import).WithSummary("Import an exported identity as a new one.");
    }

    static async Task<Results<Ok<List<IdentityDto>>, ValidationProblem>> List(ClaimsPrincipal user, LikenessDb db, HttpResponse response, int? page, int? pageSize, CancellationToken ct)
    {
        if (!Paging.TryParse(page, pageSize, 100, 500, out var paging, out var errors)) return Problems.Invalid(errors);
        var owner = user.UserId();
        var query = db.Identities.AsNoTracking().Where(i => i.OwnerId == owner);
        response.Headers["X-Total-Count"] = (await query.CountAsync(ct)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var items = await query.Include(i => i.Photos).Include(i => i.Views)
            .OrderBy(i => i.Name).ThenBy(i => i.Id).Skip(paging.Offset).Take(paging.PageSize).AsSplitQuery().ToListAsync(ct);
        return TypedResults.Ok(items.Select(IdentityDto.From).ToList());
    }

    internal static Errors Validate(string name, TraitsDto? traits, LoraDto? lora, ConsentDto? consent)
    {
        var e = new Errors();
        Names.CheckName(e, "name", name);
        if (consent is not null)
        {
            if (string.IsNullOrWhiteSpace(consent.AttestedBy)) e.Add("consent.attestedBy", "says who attested consent and must not be blank.");
            Names.CheckText(e, "consent.attestedBy", consent.AttestedBy, 200);
            if (string.IsNullOrWhiteSpace(consent.Statement) || consent.Statement.Trim().Length < 10)
                e.Add("consent.statement", "must hold the consent statement the person agreed to (at least 10 characters).");
            Names.CheckText(e, "consent.statement", consent.Statement, 5000);
            if (consent.AttestedAt > DateTime.UtcNow.AddMinutes(5)) e.Add("consent.attestedAt", "is in the future.");
        }
        if (traits is not null)
        {
            foreach (var (field, value) in new[] { ("gender", traits.Gender), ("hairColour", traits.HairColour), ("eyeColour", traits.EyeColour), ("build", traits.Build), ("ageRange", traits.AgeRange) })
                Names.CheckText(e, $"traits.{field}", value, 100);
            Names.CheckText(e, "traits.description", traits.Description, 2000);
        }
        if (lora is not null)
        {
            Names.CheckName(e, "lora.provider", lora.Provider);
            if (!Uri.TryCreate(lora.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                e.Add("lora.url", "must be an absolute http(s) URL.");
            Names.CheckText(e, "lora.triggerWord", lora.TriggerWord, 100);
            if (lora.Scale is < 0 or > 2 || double.IsNaN(lora.Scale)) e.Add("lora.scale", "must be between 0 and 2.");
        }
        return e;
    }

    static async Task<Results<Created<IdentityDto>, ValidationProblem>> Create(CreateIdentityRequest request, ClaimsPrincipal user, LikenessDb db, CancellationToken ct)
    {
        var errors = Validate(request.Name, request.Traits, request.Lora, request.Consent);
        if (errors.Any) return Problems.Invalid(errors);
        var identity = New(user.UserId(), request.Name, request.Consent, request.Traits, request.Lora);
        db.Identities.Add(identity);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/identities/{identity.Id}", IdentityDto.From(identity));
    }

    internal static Identity New(Guid owner, string name, ConsentDto consent, TraitsDto? traits, LoraDto? lora)
    {
        var now = DateTime.UtcNow;
        var identity = new Identity
        {
            Id = Guid.NewGuid(), OwnerId = owner, Name = name.Trim(),
            ConsentAttestedBy = consent.AttestedBy.Trim(), ConsentStatement = consent.Statement.Trim(),
            ConsentAttestedAt = consent.AttestedAt?.ToUniversalTime() ?? now,
            Status = IdentityStatus.None, CreatedAt = now, UpdatedAt = now,
        };
        Apply(identity, traits, lora);
        return identity;
    }

    static void Apply(Identity i, TraitsDto? traits, LoraDto? lora)
    {
        traits ??= new TraitsDto();
        (i.Gender, i.HairColour, i.EyeColour, i.Build, i.AgeRange, i.Description) =
            (traits.Gender, traits.HairColour, traits.EyeColour, traits.Build, traits.AgeRange, traits.Description);
        (i.LoraProvider, i.LoraUrl, i.LoraTriggerWord, i.LoraScale) = (lora?.Provider, lora?.Url, lora?.TriggerWord, lora?.Scale);
    }

    internal static Task<Identity?> FindAsync(LikenessDb db, ClaimsPrincipal user, Guid id, CancellationToken ct)
    {
        var owner = user.UserId();
        return db.Identities.Include(i => i.Photos).Include(i => i.Views).AsSplitQuery()
            .SingleOrDefaultAsync(i => i.Id == id && i.OwnerId == owner, ct);
    }

    static async Task<Results<Ok<IdentityDto>, ProblemHttpResult>> Get(Guid id, ClaimsPrincipal user, LikenessDb db, CancellationToken ct) =>
        await FindAsync(db, user, id, ct) is { } identity ? TypedResults.Ok(IdentityDto.From(identity)) : Problems.NotFound("Identity", id);

    static async Task<Results<Ok<IdentityDto>, ProblemHttpResult, ValidationProblem>> Update(Guid id, UpdateIdentityRequest request, ClaimsPrincipal user, LikenessDb db, CancellationToken ct)
    {
        if (await FindAsync(db, user, id, ct) is not { } identity) return Problems.NotFound("Identity", id);
        var errors = Validate(request.Name, request.Traits, request.Lora, consent: null);
        if (errors.Any) return Problems.Invalid(errors);
        identity.Name = request.Name.Trim();
        Apply(identity, request.Traits, request.Lora);
        identity.UpdatedAt = DateTime.UtcNow;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(IdentityDto.From(identity));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, ClaimsPrincipal user, LikenessDb db, BlobCollector collector, CancellationToken ct)
    {
        if (await FindAsync(db, user, id, ct) is not { } identity) return Problems.NotFound("Identity", id);
        var derived = await db.Assets.Where(a => a.IdentityId == id && a.OwnerId == identity.OwnerId).ToListAsync(ct);
        var blobs = identity.Photos.Select(p => p.BlobSha256).Concat(identity.Views.Select(v => v.BlobSha256)).Concat(derived.Select(a => a.BlobSha256)).ToList();
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.Scenes.Where(s => s.IdentityId == id && s.OwnerId == identity.OwnerId).ExecuteUpdateAsync(s => s.SetProperty(x => x.IdentityId, (Guid?)null), ct);
            await IdentityErasure.EraseJobsAsync(db, identity, derived, ct);
            db.Assets.RemoveRange(derived);
            db.Identities.Remove(identity); // photos and views cascade; the embedding lives on the row
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        await collector.DeleteUnreferencedAsync(db, blobs, ct);
        await IdentityErasure.CheckpointAsync(db, ct);
        return TypedResults.NoContent();
    }

    static async Task<Results<Ok<List<ViewDetailDto>>, ProblemHttpResult>> Views(Guid id, ClaimsPrincipal user, LikenessDb db, CancellationToken ct)
    {
        if (await FindAsync(db, user, id, ct) is not { } identity) return Problems.NotFound("Identity", id);
        var made = await IdentityViewsReport.LatestAsync(db, identity, ct);
        return TypedResults.Ok(identity.Views.OrderBy(v => v.Angle).Select(v => ViewDetailDto.From(v, made.GetValueOrDefault(v.Angle))).ToList());
    }

    static async Task<IResult> ViewsReport(Guid id, ClaimsPrincipal user, LikenessDb db, CancellationToken ct)
    {
        if (await FindAsync(db, user, id, ct) is not { } identity) return Problems.NotFound("Identity", id);
        if (await IdentityViewsReport.LatestReportAsync(db, identity, ct) is not { } report)
            return TypedResults.Problem(statusCode: 404, title: "No views report", detail: $"No views job of identity {id} has finished yet: make the views with POST /identities/{id}/views.");
        using var doc = System.Text.Json.JsonDocument.Parse(report.Output);
        var body = new Dictionary<string, object?> { ["jobId"] = report.JobId };
        foreach (var p in doc.RootElement.EnumerateObject()) body[p.Name] = p.Value.Clone();
        return TypedResults.Ok(body);
    }

    static async Task<IResult> PhotoContent(Guid id, Guid photoId, ClaimsPrincipal user, LikenessDb db, IBlobStore blobs, CancellationToken ct)
    {
        var photo = (await FindAsync(db, user, id, ct))?.Photos.SingleOrDefault(p => p.Id == photoId);
        if (photo is null) return Problems.NotFound("Photo", photoId);
        var stream = await blobs.OpenReadAsync(photo.BlobSha256, ct);
        return stream is null
            ? Problems.Conflict("Photo content missing", $"The stored bytes of photo {photoId} are missing from the blob store; delete the photo and upload it again.")
            : TypedResults.Stream(stream, photo.MediaType, photo.FileName, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{photo.BlobSha256}\""));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> DeletePhoto(Guid id, Guid photoId, ClaimsPrincipal user, LikenessDb db, BlobCollector collector, CancellationToken ct)
    {
        var identity = await FindAsync(db, user, id, ct);
        var photo = identity?.Photos.SingleOrDefault(p => p.Id == photoId);
        if (identity is null || photo is null) return Problems.NotFound("Photo", photoId);
        db.IdentityPhotos.Remove(photo);
        identity.UpdatedAt = DateTime.UtcNow;
        await db.SaveChangesAsync(ct);
        await collector.DeleteUnreferencedAsync(db, [photo.BlobSha256], ct);
        return TypedResults.NoContent();
    }
}
