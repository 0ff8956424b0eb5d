using System.Text.Json;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Jobs;
using Likeness.Pipelines;
using Likeness.Pipelines.Swap;
using Likeness.Pipelines.Themes;
using Likeness.Server.Api;
using Likeness.Server.Assets;
using Likeness.Server.Blobs;
using Likeness.Server.Data;
using Likeness.Server.Generation;
using Likeness.Server.Identities;
using Likeness.Vision.Faces.Landmarks;
using Likeness.Vision.Parsing;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Swap;

/// <summary>
/// `swap` input: the source person as an identity (its checked photos) or one photo asset; the target image asset; which
/// faces; FaceFusion-style masks (box, occlusion, area, region) with their areas/regions. `engine` "provider" sends image
/// targets to a cloud provider's learned swap (optionally pinned by `route`), gated like every generated image.
/// </summary>
public sealed record SwapInput(Guid TargetAssetId, Guid? IdentityId = null, Guid? SourceAssetId = null, int[]? Faces = null, bool All = false,
    string[]? Masks = null, string[]? Areas = null, string[]? Regions = null, bool SaveMasks = false, string Engine = "local", string? Route = null, int? Attempts = null)
{
    public bool UsesProvider => Engine == "provider";
}

public sealed record SwapFaceOutput(int Index, double SimilarityToSource, double SimilarityToTarget, bool TakesSourceIdentity, double MaskCoverage);

public sealed record SwapOutput(Guid AssetId, IReadOnlyList<Guid> MaskAssetIds, int FacesInTarget, string SourcePhoto, IReadOnlyList<SwapFaceOutput> Faces, IReadOnlyList<string> Skipped)
{
    public string Engine { get; init; } = "local";
    /// <summary>Provider engine: every paid attempt with the gate's verdict.</summary>
    public IReadOnlyList<Likeness.Pipelines.Generation.AttemptReport>? Attempts { get; init; }
}

/// <summary>`swap`: the local, geometric face swap of a target image (see `likeness swap`); the result is a SCENE_IMAGE asset.</summary>
public sealed class SwapKind(IDbContextFactory<LikenessDb> dbFactory, IEnumerable<Likeness.Providers.IGenerativeProvider> providers) : IJobKind
{
    public const string Name = "swap";
    public string Kind => Name;
    public IReadOnlyList<string> Steps { get; } = ["swap"];
    public int InvalidInputStatus => 422;

    public async Task<string?> ValidateAsync(JsonElement input, JobOwner owner, CancellationToken ct)
    {
        SwapInput? parsed;
        try { parsed = input.Deserialize<SwapInput>(Json.Options); }
        catch (JsonException e) { return $"is not a swap input ({{\"targetAssetId\", \"identityId\" or \"sourceAssetId\", \"faces\"?, \"all\"?, \"masks\"?, \"areas\"?, \"regions\"?, \"saveMasks\"?}}): {ProblemExceptionHandler.Describe(e)}"; }
        if (parsed is null || parsed.TargetAssetId == Guid.Empty) return "needs `targetAssetId` (the image whose faces are replaced).";
        if (parsed.IdentityId is null == parsed.SourceAssetId is null) return "needs exactly one of `identityId` (its checked photos) or `sourceAssetId` (one photo) as the source person.";
        if (parsed.Engine is not ("local" or "provider")) return $"`engine` '{parsed.Engine}' is not known; use \"local\" (the geometric swap on this server) or \"provider\" (a cloud provider's learned swap).";
        if (parsed.Attempts is < 1 or > 5) return "`attempts` must be 1..5 (each provider attempt is paid).";
        if (parsed.UsesProvider && GatedJobGeneration.OperationProblem(providers, Likeness.Providers.GenerationOperation.FaceSwap, "`engine` \"provider\"") is { } noProvider)
            return noProvider;
        try { _ = Options(parsed); }
        catch (ArgumentException e) { return e.Message; }
        if (parsed.IdentityId is { } identity)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            if (!await db.Identities.AnyAsync(i => i.Id == identity && i.OwnerId == owner.UserId, ct))
                throw new UnknownReferenceException($"`identityId` {identity} does not exist for this user; GET /identities lists yours.");
            if (!await db.IdentityPhotos.AnyAsync(p => p.IdentityId == identity && p.CheckPassed, ct))
                return $"identity {identity} has no accepted photos yet; upload photos of the person first.";
        }
        List<AssetReference> assets = [new("targetAssetId", parsed.TargetAssetId, false)];
        if (parsed.SourceAssetId is { } source) assets.Add(new("sourceAssetId", source, true));
        if (await OwnedAssets.ProblemAsync(dbFactory, owner.UserId, assets, ct) is { } problem) return problem;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var media = await db.Assets.Where(a => a.Id == parsed.TargetAssetId).Select(a => a.MediaType).SingleAsync(ct);
            if (!media.StartsWith("image/", StringComparison.Ordinal) && !media.StartsWith("video/", StringComparison.Ordinal))
                return $"`targetAssetId` is {media}; a swap target is an image or a video (upload videos as type VIDEO).";
            if (parsed.UsesProvider && media.StartsWith("video/", StringComparison.Ordinal))
                return "`engine` \"provider\" swaps faces in images; a video target is swapped frame by frame by the local engine (leave out `engine`).";
        }
        return null;
    }

    public static SwapOptions Options(SwapInput input) => SwapOptions.FromNames(input.Masks, input.Areas, input.Regions) with
    {
        FaceIndices = input.Faces ?? [],
        AllFaces = input.All,
        KeepMasks = input.SaveMasks,
    };
}

public sealed class SwapStep(VisionEngine engine, IDbContextFactory<LikenessDb> dbFactory, IBlobStore blobs, GatedJobGeneration generation) : IJobStepHandler
{
    public string Kind => SwapKind.Name;
    public string Name => "swap";

    public async Task<JobStepResult> ExecuteAsync(JobStepContext context, CancellationToken ct)
    {
        var input = context.Input.Deserialize<SwapInput>(Json.Options) ?? throw new PermanentJobException("The job input is empty.");
        var options = SwapKind.Options(input);
        var photos = input.IdentityId is { } identity
            ? (await IdentityPhotoFiles.LoadAsync(dbFactory, blobs, identity, null, ct)).Select(p => (p.Photo.Name, Decode(p.Photo.Bytes, p.Photo.Name))).ToList()
            : [("source", await LoadAsync(context, input.SourceAssetId!.Value, ct))];
        var targetInfo = await context.Artifacts.FindAssetAsync(input.TargetAssetId, ct) ?? throw new PermanentJobException($"Asset {input.TargetAssetId} no longer exists.");
        context.Progress.Report(0.05);
        var parser = new SkinClothesHairParser(engine.Sessions);
        SwapSource source;
        // The provider is given the photo itself: marking what covers the face in the texture (a parser run) is for the local warp only.
        try { source = await SwapSource.FromPhotosAsync(engine, photos, input.UsesProvider ? null : parser, ct); }
        catch (ArgumentException e) { throw new PermanentJobException(e.Message); }
        var swapper = new FaceSwapper(engine, parser);
        if (targetInfo.MediaType.StartsWith("video/", StringComparison.Ordinal)) return await SwapVideoAsync(context, input, options, source, swapper, ct);

        var target = await LoadAsync(context, input.TargetAssetId, ct);
        context.Progress.Report(0.1);
        SwapResult result;
        IReadOnlyList<Likeness.Pipelines.Generation.GenerationAttempt>? attempts = null;
        decimal? cost = null;
        try
        {
            if (input.UsesProvider)
            {
                var started = DateTime.UtcNow;
                var (generator, _, generationContext) = await generation.ForStepAsync(context, input.Attempts, ct);
                try
                {
                    var provided = await new ProviderFaceSwap(engine, generator).SwapAsync(source, target, options, generationContext, input.Route, null, ct);
                    (result, attempts) = (provided.Swap, provided.Attempts);
                }
                catch (Exception e) when (e is Likeness.Pipelines.Generation.GenerationFailedException or Likeness.Providers.ProviderException)
                {
                    throw GatedJobGeneration.JobError(e);
                }
                finally { cost = await generation.CostAsync(context.StepId, started, CancellationToken.None); }
            }
            else result = await swapper.SwapAsync(source, target, options, new Progress<double>(p => context.Progress.Report(0.2 + 0.7 * p)), ct);
        }
        catch (ArgumentException e) { throw new PermanentJobException(e.Message); }
        catch (LikenessException e) when (e is not Likeness.Pipelines.Generation.GenerationFailedException) { throw new PermanentJobException(e.Message); }

        var models = input.UsesProvider
            ? new Dictionary<string, string> { ["provider"] = string.Join(", ", attempts!.Where(a => a.Passed).Select(a => $"{a.Provider}:{a.Model}").Distinct()), ["identity"] = engine.Identity.Settings.Model }
            : new Dictionary<string, string> { ["landmarks"] = engine.Landmarker.ModelName, ["parser"] = parser.ModelName, ["identity"] = engine.Identity.Settings.Model };
        var provenance = Likeness.Compositing.ProvenanceRecord.Create("swap",
            new Dictionary<string, string> { ["target"] = input.TargetAssetId.ToString(), ["source"] = input.IdentityId?.ToString() ?? input.SourceAssetId.ToString()! },
            models,
            new Dictionary<string, string> { ["masks"] = string.Join(",", options.Masks), ["faces"] = string.Join(",", result.Faces.Select(f => f.Index)) });
        var asset = await GatedJobGeneration.SaveImageAsync(context, result.Image, "swaps", "swap.png", provenance, null, ct);
        var masks = new List<Guid>();
        foreach (var (name, plane) in result.Masks)
            masks.Add(await GatedJobGeneration.SaveImageAsync(context, ThemeApplication.MaskImage(plane), "swaps", $"{name}.png", provenance, null, ct));
        var output = new SwapOutput(asset, masks, result.FacesInTarget, source.Name,
            result.Faces.Select(f => new SwapFaceOutput(f.Index, Math.Round(f.SimilarityToSource, 3), Math.Round(f.SimilarityToTarget, 3), f.TakesSourceIdentity, Math.Round(f.MaskCoverage, 3))).ToList(), result.Skipped)
        {
            Engine = input.Engine,
            Attempts = attempts is null ? null : Likeness.Pipelines.Generation.AttemptReport.From(attempts),
        };
        return new JobStepResult(JsonSerializer.SerializeToElement(output, Json.Options), [asset, .. masks], cost ?? 0);
    }

    /// <summary>A video target: the asset to a temp file, the fast path with tracking, progress per frame, the result as a VIDEO asset.</summary>
    async Task<JobStepResult> SwapVideoAsync(JobStepContext context, SwapInput input, SwapOptions options, SwapSource source, FaceSwapper swapper, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("likeness-swap-").FullName;
        try
        {
            var inputPath = Path.Combine(work, "input.video");
            await using (var stream = await context.Artifacts.OpenAssetAsync(input.TargetAssetId, ct))
            await using (var file = File.Create(inputPath))
                await stream.CopyToAsync(file, ct);
            var outputPath = Path.Combine(work, "swap.mp4");
            var videoOptions = Likeness.Pipelines.Swap.Video.VideoSwapOptions.For(input.Masks is { Length: > 0 } ? options : null, input.All);
            Likeness.Pipelines.Swap.Video.VideoSwapReport report;
            try
            {
                report = await new Likeness.Pipelines.Swap.Video.VideoSwapper(engine, swapper, new SkinClothesHairParser(engine.Sessions)).SwapAsync(source, inputPath, outputPath, videoOptions,
                    new Progress<Likeness.Pipelines.Swap.Video.VideoProgress>(p => context.Progress.Report(0.1 + 0.85 * (p.TotalFrames is { } t and > 0 ? Math.Min(1, (double)p.Frame / t) : 0.5))), ct);
            }
            catch (Likeness.Pipelines.Swap.Video.VideoException e) { throw new PermanentJobException(e.Message); }
            var info = await Likeness.Pipelines.Swap.Video.Ffmpeg.ProbeAsync(outputPath, ct);
            Guid asset;
            await using (var video = File.OpenRead(outputPath))
                asset = await context.Artifacts.SaveAssetAsync(video, new NewJobAsset("VIDEO", "swaps", "swap.mp4", "video/mp4", info.Width, info.Height, null), ct);
            var output = new
            {
                assetId = asset, frames = report.Frames, framesWithSwap = report.FramesWithSwap, framesPerSecond = Math.Round(report.FramesPerSecond, 1),
                audioCopied = report.AudioCopied, sourcePhoto = source.Name,
                tracks = report.Tracks.Select(t => new { id = t.Id, firstFrame = t.FirstFrame, framesSwapped = t.FramesSwapped, similarityToSource = t.MeanSimilarityToSource is { } m ? Math.Round(m, 3) : (double?)null }),
            };
            return new JobStepResult(JsonSerializer.SerializeToElement(output, Json.Options), [asset]);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }

    static async Task<RgbaImage> LoadAsync(JobStepContext context, Guid assetId, CancellationToken ct)
    {
        await using var stream = await context.Artifacts.OpenAssetAsync(assetId, ct);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return Decode(buffer.ToArray(), $"asset {assetId}");
    }

    static RgbaImage Decode(byte[] bytes, string name)
    {
        try { return ImageCodec.Decode(bytes, name); }
        catch (ImageDecodeException e) { throw new PermanentJobException($"{name} cannot be read: {e.Reason}"); }
    }
}
