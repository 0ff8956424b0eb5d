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
/// faces; FaceFusion-style masks (box, occlusion, area, region) with their areas/regions.
/// </summary>
public sealed record SwapInput(Guid TargetAssetId, Guid? IdentityId = null, Guid? SourceAssetId = null, int[]? Faces = null, bool All = false,
    string[]? Masks = null, string[]? Areas = null, string[]? Regions = null, bool SaveMasks = false);

public sealed record SwapFaceOutput(int Index, double SimilarityToSource, double SimilarityToTarget, bool TakesSourceIdentity, double MaskCoverage);

public sealed record SwapOutput(Guid AssetId, IReadOnlyList<Guid> MaskAssetIds, int FacesInTarget, string SourcePhoto, IReadOnlyList<SwapFaceOutput> Faces);

/// <summary>`swap`: the local, geometric face swap of a target image (see `likeness swap`); the result is a SCENE_IMAGE asset.</summary>
public sealed class SwapKind(IDbContextFactory<LikenessDb> dbFactory) : IJobKind
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
        List<AssetReference> assets = [new("targetAssetId", parsed.TargetAssetId, true)];
        if (parsed.SourceAssetId is { } source) assets.Add(new("sourceAssetId", source, true));
        return await OwnedAssets.ProblemAsync(dbFactory, owner.UserId, assets, ct);
    }

    public static SwapOptions Options(SwapInput input) => new()
    {
        Masks = (input.Masks is { Length: > 0 } m ? m : ["box", "occlusion"]).Select(SwapOptions.ParseMask).ToList(),
        Areas = input.Areas is { Length: > 0 } a ? a.Select(MeshAreas.Parse).ToList() : MeshAreas.All,
        Regions = (input.Regions is { Length: > 0 } r ? r : ["skin"]).Select(SwapOptions.ParseRegion).ToList(),
        FaceIndices = input.Faces ?? [],
        AllFaces = input.All,
        KeepMasks = input.SaveMasks,
    };
}

public sealed class SwapStep(VisionEngine engine, IDbContextFactory<LikenessDb> dbFactory, IBlobStore blobs) : IJobStepHandler
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
        var target = await LoadAsync(context, input.TargetAssetId, ct);
        context.Progress.Report(0.1);
        var parser = new SkinClothesHairParser(engine.Sessions);
        SwapResult result;
        SwapSource source;
        try
        {
            source = await SwapSource.FromPhotosAsync(engine, photos, parser, ct);
            result = await new FaceSwapper(engine, parser).SwapAsync(source, target, options, new Progress<double>(p => context.Progress.Report(0.2 + 0.7 * p)), ct);
        }
        catch (ArgumentException e) { throw new PermanentJobException(e.Message); }
        catch (LikenessException e) { throw new PermanentJobException(e.Message); }

        var provenance = Likeness.Compositing.ProvenanceRecord.Create("swap",
            new Dictionary<string, string> { ["target"] = input.TargetAssetId.ToString(), ["source"] = input.IdentityId?.ToString() ?? input.SourceAssetId.ToString()! },
            new Dictionary<string, string> { ["landmarks"] = engine.Landmarker.ModelName, ["parser"] = parser.ModelName, ["identity"] = engine.Identity.Settings.Model },
            new Dictionary<string, string> { ["masks"] = string.Join(",", options.Masks), ["faces"] = string.Join(",", result.Faces.Select(f => f.Index)) });
        var asset = await GatedJobGeneration.SaveImageAsync(context, result.Image, "swaps", "swap.png", provenance, null, ct);
        var masks = new List<Guid>();
        foreach (var (name, plane) in result.Masks)
            masks.Add(await GatedJobGeneration.SaveImageAsync(context, ThemeApplication.MaskImage(plane), "swaps", $"{name}.png", provenance, null, ct));
        var output = new SwapOutput(asset, masks, result.FacesInTarget, source.Name,
            result.Faces.Select(f => new SwapFaceOutput(f.Index, Math.Round(f.SimilarityToSource, 3), Math.Round(f.SimilarityToTarget, 3), f.TakesSourceIdentity, Math.Round(f.MaskCoverage, 3))).ToList());
        return new JobStepResult(JsonSerializer.SerializeToElement(output, Json.Options), [asset, .. masks]);
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
