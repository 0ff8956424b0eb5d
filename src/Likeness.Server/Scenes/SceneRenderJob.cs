using System.Text.Json;
using Likeness.Compositing;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Jobs;
using Likeness.Pipelines;
using Likeness.Pipelines.Compose;
using Likeness.Server.Api;
using Likeness.Server.Blobs;
using Likeness.Server.Data;
using Likeness.Vision.Matting;
using Microsoft.EntityFrameworkCore;
using Likeness.Server.Generation;
using Likeness.Server.Identities;

namespace Likeness.Server.Scenes;

/// <summary>
/// `scene-render`: renders a stored scene as it is when the step runs. Overlay composes its person (headshot asset,
/// or the identity's front view / first accepted photo) into its background; none exports the background alone.
/// The result is a SCENE_IMAGE asset (PNG with provenance); rendered from an identity, it is erased with that identity.
/// </summary>
public sealed record SceneRenderInput(Guid SceneId, string? Matting = null, string? Folder = null);

public sealed class SceneRenderKind(IDbContextFactory<LikenessDb> dbFactory, IEnumerable<Likeness.Providers.IGenerativeProvider> providers) : IJobKind
{
    public const string Name = "scene-render";
    public string Kind => Name;
    public IReadOnlyList<string> Steps { get; } = ["render"];

    public async Task<string?> ValidateAsync(JsonElement input, JobOwner owner, CancellationToken ct)
    {
        SceneRenderInput? parsed;
        try { parsed = input.Deserialize<SceneRenderInput>(Json.Options); }
        catch (JsonException e) { return $"is not a scene-render input ({{\"sceneId\", \"matting\"?, \"folder\"?}}): {ProblemExceptionHandler.Describe(e)}"; }
        if (parsed is null || parsed.SceneId == Guid.Empty) return "needs `sceneId`.";
        if (InputProblem(parsed) is { } problem) return problem;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var scene = await db.Scenes.AsNoTracking().SingleOrDefaultAsync(s => s.Id == parsed.SceneId && s.OwnerId == owner.UserId, ct);
        if (scene is null) return $"scene {parsed.SceneId} does not exist for this user.";
        return await SceneRendering.ProblemAsync(scene, db, providers, ct);
    }

    /// <summary>Checks of the request's own fields (shared with POST /scenes/{id}/render).</summary>
    public static string? InputProblem(SceneRenderInput input)
    {
        if (input.Matting is { } m && !MattingModels.Names.Contains(m.Trim().ToLowerInvariant()))
            return $"matting '{m}' is not known; use one of {string.Join(", ", MattingModels.Names)} ('fast' is quicker, 'quality' has cleaner hair edges).";
        var errors = new Errors();
        Names.CheckFolder(errors, "folder", input.Folder);
        return errors.Any ? errors.Summary() : null;
    }
}

public sealed class SceneRenderStep(VisionEngine engine, IDbContextFactory<LikenessDb> dbFactory, IBlobStore blobs, GatedJobGeneration generation,
    IEnumerable<Likeness.Providers.IGenerativeProvider> providers, ILogger<SceneRenderStep> log) : IJobStepHandler
{
    public string Kind => SceneRenderKind.Name;
    public string Name => "render";

    sealed record Rendered(RgbaImage Image, ProvenanceRecord Provenance, string Person, ComposeReport? Compose, ProviderRender? Provider = null);

    public async Task<JobStepResult> ExecuteAsync(JobStepContext context, CancellationToken ct)
    {
        var input = context.Input.Deserialize<SceneRenderInput>(Json.Options) ?? throw new PermanentJobException("The job input is empty.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var scene = await db.Scenes.AsNoTracking().SingleOrDefaultAsync(s => s.Id == input.SceneId && s.OwnerId == context.Owner.UserId, ct)
            ?? throw new PermanentJobException($"Scene {input.SceneId} no longer exists.");
        if (await SceneRendering.ProblemAsync(scene, db, providers, ct) is { } problem) throw new PermanentJobException(problem);

        var background = await AssetAsync(context, scene.BackgroundAssetId!.Value, ct);
        var started = DateTime.UtcNow;
        Rendered rendered;
        try
        {
            rendered = scene.CompositeMode == CompositeMode.None
                ? BackgroundOnly(scene, background)
                : await ComposeAsync(context, db, scene, background, input.Matting ?? MattingModels.Quality, ct);
        }
        catch (LikenessException e) { throw new PermanentJobException(e.Message); }

        var provenance = rendered.Provenance with
        {
            Parameters = new Dictionary<string, string>(rendered.Provenance.Parameters) { ["scene"] = scene.Id.ToString(), ["compositeMode"] = SceneRendering.Wire(scene.CompositeMode) },
        };
        var png = ImageCodec.Encode(rendered.Image, ImageFormat.Png, new EncodeOptions { Metadata = provenance.ToMetadata(ImageFormat.Png), FastPngCompression = true });
        var name = (scene.Name.Length > 190 ? scene.Name[..190] : scene.Name) + ".png";
        var id = await context.Artifacts.SaveAssetAsync(new MemoryStream(png),
            new NewJobAsset("SCENE_IMAGE", input.Folder ?? "renders", name, "image/png", rendered.Image.Width, rendered.Image.Height), ct);
        if (scene.CompositeMode != CompositeMode.None && scene.IdentityId is { } identity)
            await db.Assets.Where(a => a.Id == id).ExecuteUpdateAsync(a => a.SetProperty(x => x.IdentityId, identity), ct); // biometric-derived: erased with the identity
        log.LogInformation("Rendered scene {Scene} ({Mode}) as asset {Asset}, {Width}x{Height}", scene.Id, scene.CompositeMode, id, rendered.Image.Width, rendered.Image.Height);

        var report = new
        {
            sceneId = scene.Id, compositeMode = SceneRendering.Wire(scene.CompositeMode), person = rendered.Person,
            placement = SceneRendering.Position(scene)?.ToString() ?? "auto", export = scene.ExportPreset, width = rendered.Image.Width, height = rendered.Image.Height,
            compose = rendered.Compose,
            method = rendered.Provider?.Method ?? SceneRendering.Wire(scene.CompositeMode),
            fallback = rendered.Provider?.Fallback,
            attempts = rendered.Provider?.Attempts,
        };
        return new JobStepResult(JsonSerializer.SerializeToElement(report, Json.Options), [id],
            rendered.Provider is null ? 0 : await generation.CostAsync(context.StepId, started, CancellationToken.None));
    }

    static Rendered BackgroundOnly(Scene scene, EncodedImage background)
    {
        var image = background.Decode();
        if (scene.ExportPreset is { } preset)
        {
            var (w, h) = ExportPresets.Get(preset);
            image = ExportPresets.Cover(image, w, h, focus: null);
        }
        var provenance = ProvenanceRecord.Create("scene-render", new Dictionary<string, string> { ["scene"] = background.Sha256 },
            new Dictionary<string, string>(), new Dictionary<string, string> { ["export"] = scene.ExportPreset ?? "scene" });
        return new Rendered(image, provenance, "none", null);
    }

    async Task<Rendered> ComposeAsync(JobStepContext context, LikenessDb db, Scene scene, EncodedImage background, string matting, CancellationToken ct)
    {
        var (person, source) = await PersonAsync(context, db, scene, ct);
        if (scene.CompositeMode is CompositeMode.Inpaint or CompositeMode.Generate)
        {
            var photos = scene.IdentityId is { } identityId
                ? (await IdentityPhotoFiles.LoadAsync(dbFactory, blobs, identityId, null, ct)).Select(p => p.Photo).ToList()
                : [person];
            var provider = await new ProviderSceneRender(engine, generation).RenderAsync(context, db, scene, background, person, photos, matting, ct);
            return new Rendered(provider.Image, provider.Provenance, source, null, provider);
        }
        var options = new ComposeOptions { Matting = matting, Position = SceneRendering.Position(scene), Export = scene.ExportPreset };
        var progress = new Progress<PipelineProgress>(p => context.Progress.Report(p.Fraction));
        var result = await new ComposePipeline(engine).ComposeAsync(person, background, null, options, progress, ct);
        return new Rendered(result.Image, result.Provenance, source, result.Report);
    }

    async Task<(EncodedImage Person, string Source)> PersonAsync(JobStepContext context, LikenessDb db, Scene scene, CancellationToken ct)
    {
        EncodedImage person;
        string source;
        if (scene.HeadshotAssetId is { } headshot)
        {
            person = await AssetAsync(context, headshot, ct);
            source = $"headshot asset {headshot}";
        }
        else
        {
            var identity = scene.IdentityId!.Value;
            var portrait = await IdentityPortrait.FindAsync(db, identity, ct) ?? throw new PermanentJobException($"Identity {identity} has no accepted photos or views.");
            await using var stream = await blobs.OpenReadAsync(portrait.BlobSha256, ct)
                ?? throw new PermanentJobException($"The stored {portrait.Description} of identity {identity} is missing from the blob store; upload the photo again or re-run the views job.");
            person = new EncodedImage($"identity {identity} {portrait.Description}", await ReadAllAsync(stream, ct));
            source = $"identity {identity} ({portrait.Description})";
        }
        return (person, source);
    }

    static async Task<EncodedImage> AssetAsync(JobStepContext context, Guid assetId, CancellationToken ct)
    {
        var asset = await context.Artifacts.FindAssetAsync(assetId, ct) ?? throw new PermanentJobException($"Asset {assetId} no longer exists; set another one on the scene.");
        await using var stream = await context.Artifacts.OpenAssetAsync(assetId, ct);
        return new EncodedImage(asset.Name, await ReadAllAsync(stream, ct));
    }

    static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }
}
