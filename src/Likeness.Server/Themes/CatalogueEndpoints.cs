using Likeness.Pipelines.Themes;
using Likeness.Vision.Pose.Templates;

namespace Likeness.Server.Themes;

/// <summary>GET /themes and GET /poses: the bundled catalogues, for clients that let users pick (the web studio, scripts).</summary>
public static class CatalogueEndpoints
{
    public static void MapCatalogues(this IEndpointRouteBuilder app)
    {
        app.MapGet("/themes", (string? kind) => TypedResults.Ok(ThemeCatalog.Themes.Where(t => kind is null || t.Kind == kind)))
            .WithTags("Themes").RequireAuthorization()
            .WithSummary("The theme catalogue (?kind=head-covering|accessory|outfit|profession|background); apply one with a `theme` job.");
        app.MapGet("/poses", (string? category) => TypedResults.Ok(PoseCatalog.Bundled.Poses.Where(p => category is null || p.Category == category).Select(PoseCatalog.ToEntry)))
            .WithTags("Poses").RequireAuthorization()
            .WithSummary("The pose catalogue (?category=), each pose in the catalogue's entry format (OpenPose-18 keypoints on the pose canvas); use them in POST /identities/{id}/avatars.");
    }
}
