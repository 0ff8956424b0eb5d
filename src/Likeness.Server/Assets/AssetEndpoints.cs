using System.Security.Claims;
using System.Text.Json;
using Likeness.Server.Api;
using Likeness.Server.Auth;
using Likeness.Server.Blobs;
using Likeness.Server.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Likeness.Server.PhotoChecks;

namespace Likeness.Server.Assets;

public static class AssetEndpoints
{
    public static void MapAssets(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/assets").WithTags("Assets").RequireAuthorization();
        g.MapGet("/", List).WithSummary("List your assets, paged; filter by ?type= and ?folder=.");
        g.MapPost("/", Upload).Accepts<AssetUploadForm>("multipart/form-data").Produces<AssetDto>(201)
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(422)
            .WithSummary("Upload an asset: multipart with `file`, `type` and optional `folder` and `name`.");
        g.MapGet("/{id:guid}", Get).WithSummary("One asset's metadata.");
        g.MapPut("/{id:guid}", Update).WithSummary("Rename or move an asset.");
        g.MapDelete("/{id:guid}", Delete).WithSummary("Delete an asset; its blob is erased when nothing else uses it.");
        g.MapGet("/{id:guid}/content", Content).WithSummary("Download an asset's bytes.");
        g.MapGet("/{id:guid}/provenance", Provenance).Produces<Likeness.Compositing.ProvenanceRecord>().ProducesProblem(404)
            .WithSummary("The provenance record embedded in an image Likeness made (operation, input and model sha256, parameters); 404 for an upload without one.");
    }

    /// <summary>Shape of the multipart upload, for the OpenAPI document.</summary>
    public sealed record AssetUploadForm(IFormFile File, AssetType Type, string? Folder, string? Name);

    internal static bool TryParseType(string? text, out AssetType? type)
    {
        type = null;
        if (string.IsNullOrEmpty(text)) return true;
        try { type = JsonSerializer.Deserialize<AssetType>($"\"{text.Replace("\"", "")}\"", Json.Options); return true; }
        catch (JsonException) { return false; }
    }

    static string AllowedTypes => string.Join(", ", Json.EnumValues[typeof(AssetType).FullName!]);

    static async Task<Results<Ok<Paged<AssetDto>>, ValidationProblem>> List(ClaimsPrincipal user, LikenessDb db, string? type, string? folder, int? page, int? pageSize, CancellationToken ct)
    {
        if (!TryParseType(type, out var assetType)) return Problems.Invalid("type", $"'{type}' is not an asset type; use one of {AllowedTypes}.");
        if (!Paging.TryParse(page, pageSize, 50, 500, out var paging, out var pagingErrors)) return Problems.Invalid(pagingErrors);
        var (p, size) = (paging.Page, paging.PageSize);
        var owner = user.UserId();
        var query = db.Assets.AsNoTracking().Where(a => a.OwnerId == owner);
        if (assetType is { } t) query = query.Where(a => a.Type == t);
        if (folder is not null) query = query.Where(a => a.Folder == folder);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(a => a.CreatedAt).ThenBy(a => a.Id).Skip(paging.Offset).Take(size).ToListAsync(ct);
        return TypedResults.Ok(new Paged<AssetDto>(items.Select(AssetDto.From).ToList(), p, size, total));
    }

    static async Task<IResult> Upload(HttpContext http, ClaimsPrincipal user, LikenessDb db, IBlobStore blobs, BlobCollector collector,
        IImageInspector inspector, IOptions<UploadOptions> options, CancellationToken ct)
    {
        if (!Uploads.IsMultipart(http.Request))
            return TypedResults.Problem(statusCode: 415, title: "Multipart form expected", detail: "Send multipart/form-data with a `file` part and a `type` field.");
        var max = options.Value.MaxAssetBytes;
        Uploads.LimitBody(http, max + (1 << 20));
        var form = await http.Request.ReadFormAsync(ct);
        var errors = new Errors();
        var file = form.Files.GetFile("file");
        if (file is null) errors.Add("file", "is required: attach the asset as a `file` part.");
        else if (file.Length == 0) errors.Add("file", "is empty.");
        if (!TryParseType(form["type"], out var type) || type is null)
            errors.Add("type", string.IsNullOrEmpty(form["type"]) ? $"is required; use one of {AllowedTypes}." : $"'{form["type"]}' is not an asset type; use one of {AllowedTypes}.");
        var folder = form["folder"].ToString();
        var name = form.TryGetValue("name", out var n) ? n.ToString() : file?.FileName;
        Names.CheckFolder(errors, "folder", folder);
        Names.CheckName(errors, "name", name);
        var unknown = form.Keys.Except(["type", "folder", "name"]).ToList();
        if (unknown.Count > 0) errors.Add(unknown[0], $"is not a field of this upload; send only `file`, `type`, `folder` and `name`.");
        if (errors.Any) return Problems.Invalid(errors);
        if (file!.Length > max) return Problems.TooLarge($"The file is {file.Length / 1048576.0:0.0} MB; assets may be at most {max / 1048576.0:0.#} MB.");

        byte[]? bytes = null;
        var head = new byte[64];
        await using (var s = file.OpenReadStream()) head = head[..await s.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct)];
        var isImage = type is AssetType.Headshot or AssetType.Background or AssetType.SceneImage;
        if (isImage) bytes = await Uploads.ReadAllAsync(file, ct);
        var verdict = MediaSniffer.Sniff(type!.Value, head, inspector, () => bytes);
        if (verdict.Problem is not null) return Problems.Unprocessable("Unsupported file for this asset type", verdict.Problem);
        if (bytes is not null) bytes = Likeness.Imaging.Codecs.ImageSanitizer.Sanitize(bytes); // served later: only the image, no polyglot trailer

        BlobRef blob;
        await using (var content = bytes is null ? file.OpenReadStream() : new MemoryStream(bytes)) blob = await blobs.PutAsync(content, ct);
        var asset = new Asset
        {
            Id = Guid.NewGuid(), OwnerId = user.UserId(), Type = type.Value, Folder = folder, Name = name!.Trim(),
            BlobSha256 = blob.Sha256, MediaType = verdict.MediaType!, Size = blob.Size, Width = verdict.Width, Height = verdict.Height, CreatedAt = DateTime.UtcNow,
        };
        db.Assets.Add(asset);
        try { await db.SaveChangesAsync(ct); }
        catch
        {
            await collector.DeleteUnreferencedAsync(db, [blob.Sha256], CancellationToken.None);
            throw;
        }
        return TypedResults.Created($"/assets/{asset.Id}", AssetDto.From(asset));
    }

    static Task<Asset?> FindAsync(LikenessDb db, ClaimsPrincipal user, Guid id, CancellationToken ct)
    {
        var owner = user.UserId();
        return db.Assets.SingleOrDefaultAsync(a => a.Id == id && a.OwnerId == owner, ct);
    }

    static async Task<Results<Ok<AssetDto>, ProblemHttpResult>> Get(Guid id, ClaimsPrincipal user, LikenessDb db, CancellationToken ct) =>
        await FindAsync(db, user, id, ct) is { } a ? TypedResults.Ok(AssetDto.From(a)) : Problems.NotFound("Asset", id);

    static async Task<Results<Ok<AssetDto>, ProblemHttpResult, ValidationProblem>> Update(Guid id, UpdateAssetRequest request, ClaimsPrincipal user, LikenessDb db, CancellationToken ct)
    {
        if (await FindAsync(db, user, id, ct) is not { } asset) return Problems.NotFound("Asset", id);
        var errors = new Errors();
        Names.CheckName(errors, "name", request.Name);
        Names.CheckFolder(errors, "folder", request.Folder);
        if (errors.Any) return Problems.Invalid(errors);
        (asset.Name, asset.Folder) = (request.Name.Trim(), request.Folder);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(AssetDto.From(asset));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, ClaimsPrincipal user, LikenessDb db, BlobCollector collector, CancellationToken ct)
    {
        if (await FindAsync(db, user, id, ct) is not { } asset) return Problems.NotFound("Asset", id);
        var scene = await db.Scenes.Where(s => s.OwnerId == asset.OwnerId && (s.BackgroundAssetId == id || s.HeadshotAssetId == id)).Select(s => s.Name).FirstOrDefaultAsync(ct);
        if (scene is not null) return Problems.Conflict("Asset in use", $"Scene '{scene}' uses this asset; change or delete the scene first.");
        db.Assets.Remove(asset);
        await db.SaveChangesAsync(ct);
        await collector.DeleteUnreferencedAsync(db, [asset.BlobSha256], ct);
        return TypedResults.NoContent();
    }

    static async Task<IResult> Content(Guid id, ClaimsPrincipal user, LikenessDb db, IBlobStore blobs, CancellationToken ct)
    {
        if (await FindAsync(db, user, id, ct) is not { } asset) return Problems.NotFound("Asset", id);
        var stream = await blobs.OpenReadAsync(asset.BlobSha256, ct);
        return stream is null
            ? Problems.Conflict("Asset content missing", $"The bytes of asset {id} (sha256 {asset.BlobSha256}) are missing from the blob store; upload the same file again to restore them.")
            : TypedResults.Stream(stream, asset.MediaType, asset.Name, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{asset.BlobSha256}\""));
    }

    static async Task<IResult> Provenance(Guid id, ClaimsPrincipal user, LikenessDb db, IBlobStore blobs, CancellationToken ct)
    {
        if (await FindAsync(db, user, id, ct) is not { } asset) return Problems.NotFound("Asset", id);
        if (!asset.MediaType.StartsWith("image/", StringComparison.Ordinal))
            return TypedResults.Problem(statusCode: 404, title: "No provenance", detail: $"Asset {id} is {asset.MediaType}; provenance is recorded in the images Likeness makes.");
        await using var stream = await blobs.OpenReadAsync(asset.BlobSha256, ct);
        if (stream is null) return Problems.Conflict("Asset content missing", $"The bytes of asset {id} are missing from the blob store.");
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        Likeness.Compositing.ProvenanceRecord? record = null;
        try { record = Likeness.Compositing.ProvenanceRecord.Read(buffer.ToArray()); }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or InvalidDataException) { }
        return record is null
            ? TypedResults.Problem(statusCode: 404, title: "No provenance", detail: $"Asset {id} carries no Likeness provenance record: it was uploaded, not made by Likeness.")
            : TypedResults.Ok(record);
    }
}
