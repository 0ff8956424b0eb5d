using System.Text.Json;
using Likeness.Compositing;
using Likeness.Imaging.Codecs;
using Likeness.Jobs;
using Likeness.Pipelines;
using Likeness.Pipelines.Compose;
using Likeness.Server.Api;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;
using Likeness.Server.Generation;
using Likeness.Server.Assets;

namespace Likeness.Server.Compose;

/// <summary>
/// `compose`: the local engine's compose pipeline as a job. The person and the scene are the owner's assets;
/// the result is a new SCENE_IMAGE asset (PNG with provenance) and the compose report is the step's output.
/// </summary>
public sealed record ComposeInput(Guid PersonAssetId, Guid? SceneAssetId = null, string? Background = null, string? Placement = null,
    double? FaceWidth = null, float? Harmonize = null, string? Export = null, string? Matting = null, string? Folder = null,
    bool AllowCrop = false, bool Force = false, bool ExtendCrops = true, float? Shadow = null);

public sealed class ComposeKind(IDbContextFactory<LikenessDb> dbFactory) : IJobKind
{
    public const string Name = "compose";
    public string Kind => Name;
    public IReadOnlyList<string> Steps { get; } = ["compose"];

    public async Task<string?> ValidateAsync(JsonElement input, JobOwner owner, CancellationToken ct)
    {
        ComposeInput? parsed;
        try { parsed = input.Deserialize<ComposeInput>(Json.Options); }
        catch (JsonException e) { return $"is not a compose input ({{\"personAssetId\", \"sceneAssetId\" | \"background\", ...}}): {ProblemExceptionHandler.Describe(e)}"; }
        if (parsed is null || parsed.PersonAssetId == Guid.Empty) return "needs `personAssetId`.";
        if ((parsed.SceneAssetId is null) == (parsed.Background is null)) return "needs exactly one of `sceneAssetId` or `background` ('#RRGGBB').";
        if (parsed.Background is { } bg && !bg.StartsWith('#')) return "`background` must be a colour '#RRGGBB' (use `sceneAssetId` for an image).";
        try
        {
            ToOptions(parsed);
            if (parsed.Background is { } colour) BackgroundSpec.Parse(colour, _ => throw new InvalidOperationException());
        }
        catch (LikenessException e) { return e.Message; }
        List<AssetReference> named = [new("personAssetId", parsed.PersonAssetId, true)];
        if (parsed.SceneAssetId is { } scene) named.Add(new("sceneAssetId", scene, true));
        return await OwnedAssets.ProblemAsync(dbFactory, owner.UserId, named, ct) is { } unknown ? throw new UnknownReferenceException(unknown) : null;
    }

    internal static ComposeInput Parse(JobStepContext c) =>
        c.Input.Deserialize<ComposeInput>(Json.Options) ?? throw new PermanentJobException("The job input is empty.");

    /// <summary>The same validation and defaults as `likeness compose` (<see cref="ComposeRequest"/>).</summary>
    internal static ComposeOptions ToOptions(ComposeInput input) => new ComposeRequest
    {
        Matting = input.Matting,
        Placement = input.Placement,
        FaceWidth = input.FaceWidth,
        Harmonize = input.Harmonize,
        Shadow = input.Shadow,
        Export = input.Export,
        AllowCrop = input.AllowCrop,
        Force = input.Force,
    }.ToOptions();
}

/// <remarks>
/// With a provider configured and `extendCrops` (default true), a close face crop is extended to head and shoulders
/// through the likeness gate first (paid; the cost is the step's); without one it is refused with the reason.
/// </remarks>
public sealed class ComposeStep(VisionEngine engine, GatedJobGeneration generation) : IJobStepHandler
{
    public string Kind => ComposeKind.Name;
    public string Name => "compose";

    public async Task<JobStepResult> ExecuteAsync(JobStepContext context, CancellationToken ct)
    {
        var input = ComposeKind.Parse(context);
        var person = await LoadAsync(context, input.PersonAssetId, ct);
        var scene = input.SceneAssetId is { } sceneId ? await LoadAsync(context, sceneId, ct) : null;
        var background = input.Background is { } bg ? BackgroundSpec.Parse(bg, _ => throw new InvalidOperationException()) : null;
        var progress = new Progress<PipelineProgress>(p => context.Progress.Report(p.Fraction));
        ComposeResult result;
        // A refusal (close crop, ghost matte, unverified person) fails the job with its reason; nothing is stored.
        ICloseCropExtender? extender = null;
        if (input.ExtendCrops && !input.AllowCrop && generation.NoProviderProblem("extending a close crop") is null)
        {
            var (generator, gate, generationContext) = await generation.ForStepAsync(context, null, ct);
            extender = new Likeness.Pipelines.Generation.ProviderCropExtender(engine, generator, gate, generationContext);
        }
        var started = DateTime.UtcNow;
        try { result = await new ComposePipeline(engine, extender).ComposeAsync(person, scene, background, ComposeKind.ToOptions(input), progress, ct); }
        catch (LikenessException e) { throw new PermanentJobException(e.Message); }

        var png = ImageCodec.Encode(result.Image, ImageFormat.Png, new EncodeOptions { Metadata = result.Provenance.ToMetadata(ImageFormat.Png), FastPngCompression = true });
        var name = Path.GetFileNameWithoutExtension(person.Name) + "-composite.png";
        var id = await context.Artifacts.SaveAssetAsync(new MemoryStream(png),
            new NewJobAsset("SCENE_IMAGE", input.Folder ?? "composites", name, "image/png", result.Image.Width, result.Image.Height), ct);
        return new JobStepResult(JsonSerializer.SerializeToElement(result.Report, Json.Options), [id],
            extender is null ? 0 : await generation.CostAsync(context.StepId, started, CancellationToken.None));
    }

    static async Task<EncodedImage> LoadAsync(JobStepContext context, Guid assetId, CancellationToken ct)
    {
        var asset = await context.Artifacts.FindAssetAsync(assetId, ct) ?? throw new PermanentJobException($"asset {assetId} does not exist for this user.");
        await using var stream = await context.Artifacts.OpenAssetAsync(assetId, ct);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return new EncodedImage(asset.Name, buffer.ToArray());
    }
}
