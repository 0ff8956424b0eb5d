using System.Security.Claims;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;
using Likeness.Pipelines;
using Likeness.Pipelines.Compose;
using Likeness.Server.Api;
using Likeness.Server.Auth;
using Likeness.Server.Blobs;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Compose;

/// <param name="SceneAssetId">The scene to place the person in; without it the preview is the cut-out alone (a colour background).</param>
public sealed record ComposePreviewRequest(Guid PersonAssetId, Guid? SceneAssetId = null, double? FaceWidth = null, string? Matting = null,
    bool AllowCrop = false, bool Force = false);

/// <param name="Cutout">The person cut out by the matte, as a PNG data URL (at most <see cref="ComposePreviewEndpoint.MaxCutoutSide"/> px).</param>
/// <param name="Placement">Where `placement: "auto"` would put the cut-out: centre x,y and height as fractions of the scene, rotation in degrees.</param>
public sealed record ComposePreviewDto(string Cutout, int CutoutWidth, int CutoutHeight, PlacementDto? Placement, string? Method, string? Reason,
    IReadOnlyList<string> Warnings);

/// <param name="Text">The same placement as `x,y,scale,rotation`, the form `POST /compose` takes.</param>
public sealed record PlacementDto(double X, double Y, double Scale, double Rotation, string Text);

/// <summary>
/// `POST /compose/preview`: the matte and the automatic placement of a compose, without the composite, so an editor can
/// show the person in the scene and let them be moved before the job runs. Synchronous: one matte (about a second on CPU).
/// </summary>
public static class ComposePreviewEndpoint
{
    public const int MaxCutoutSide = 768;

    public static void MapComposePreview(this IEndpointRouteBuilder app) =>
        app.MapPost("/compose/preview", Preview).RequireAuthorization().WithTags("Jobs")
            .Produces<ComposePreviewDto>().ProducesProblem(404).ProducesProblem(422).ProducesProblem(503).ProducesValidationProblem()
            .WithSummary("Cut the person out and say where automatic placement puts them in the scene (no composite, nothing stored); " +
                         "a photo compose would refuse (close crop, several people, no person) is a 422 with the same reason.");

    static async Task<IResult> Preview(ComposePreviewRequest request, ClaimsPrincipal user, LikenessDb db, IBlobStore blobs, VisionEngine engine, CancellationToken ct)
    {
        ComposeOptions options;
        try { options = new ComposeRequest { FaceWidth = request.FaceWidth, Matting = request.Matting, AllowCrop = request.AllowCrop, Force = request.Force }.ToOptions(); }
        catch (LikenessException e) { return Problems.Invalid("options", e.Message); }
        var owner = user.UserId();
        if (await LoadAsync(db, blobs, owner, request.PersonAssetId, ct) is not { } person) return Problems.NotFound("Asset", request.PersonAssetId);
        RgbaImage? scene = null;
        if (request.SceneAssetId is { } sceneId)
        {
            if (await LoadAsync(db, blobs, owner, sceneId, ct) is not { } sceneBytes) return Problems.NotFound("Asset", sceneId);
            try { scene = sceneBytes.Decode(); }
            catch (LikenessException e) { return Problems.Unprocessable("The scene cannot be read", e.Message); }
        }
        ComposePreview preview;
        try { preview = await new ComposePipeline(engine).PreviewAsync(person, scene?.Width ?? 1024, scene?.Height ?? 1024, scene, options, ct); }
        catch (LikenessException e) { return Problems.Unprocessable("The person cannot be placed", e.Message); }

        var cutout = preview.Cutout;
        var shrink = Math.Min(1.0, (double)MaxCutoutSide / Math.Max(cutout.Width, cutout.Height));
        if (shrink < 1) cutout = cutout.Resize(Math.Max(1, (int)(cutout.Width * shrink)), Math.Max(1, (int)(cutout.Height * shrink)), ResizeMethod.Bilinear);
        var png = ImageCodec.Encode(cutout, ImageFormat.Png, new EncodeOptions { FastPngCompression = true });
        var p = preview.Position;
        return TypedResults.Ok(new ComposePreviewDto("data:image/png;base64," + Convert.ToBase64String(png), cutout.Width, cutout.Height,
            scene is null ? null : new PlacementDto(Math.Round(p.X, 4), Math.Round(p.Y, 4), Math.Round(p.Scale, 4), Math.Round(p.Rotation, 2), p.ToString()),
            scene is null ? null : preview.Method, scene is null ? null : preview.Reason, preview.Warnings));
    }

    static async Task<EncodedImage?> LoadAsync(LikenessDb db, IBlobStore blobs, Guid owner, Guid id, CancellationToken ct)
    {
        var asset = await db.Assets.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id && a.OwnerId == owner, ct);
        if (asset is null) return null; // missing bytes answer 404 too: the asset cannot be used
        await using var stream = await blobs.OpenReadAsync(asset.BlobSha256, ct);
        if (stream is null) return null;
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return new EncodedImage(asset.Name, buffer.ToArray());
    }
}
