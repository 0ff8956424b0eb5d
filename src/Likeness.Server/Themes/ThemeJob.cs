using System.Text.Json;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Jobs;
using Likeness.Pipelines;
using Likeness.Pipelines.Generation;
using Likeness.Pipelines.Themes;
using Likeness.Providers;
using Likeness.Server.Api;
using Likeness.Server.Assets;
using Likeness.Server.Data;
using Likeness.Server.Generation;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Themes;

public sealed record ThemeInput(Guid AssetId, string Theme, string? Route = null, int? Attempts = null, bool SaveMasks = false);

/// <summary>What a theme step reports: the themed image, the mask sent (when asked), the face similarity and every attempt.</summary>
public sealed record ThemeOutput(string Theme, Guid AssetId, Guid? MaskAssetId, double MaskCoverage, double? FaceSimilarity, IReadOnlyList<AttemptReport> Attempts);

/// <summary>
/// `theme`: a theme (hijab style, accessory, outfit, profession, background) applied to a photo asset: the local engine's
/// masks (face excluded) and a provider inpaint, the output gated (face kept at 0.8 similarity to the input, nobody
/// added, the masked region changed). A theme that never passes fails the job with every verdict.
/// </summary>
public sealed class ThemeKind(IDbContextFactory<LikenessDb> dbFactory, IEnumerable<IGenerativeProvider> providers) : IJobKind
{
    public const string Name = "theme";
    public string Kind => Name;
    public IReadOnlyList<string> Steps { get; } = ["apply"];
    public int InvalidInputStatus => 422;

    public async Task<string?> ValidateAsync(JsonElement input, JobOwner owner, CancellationToken ct)
    {
        ThemeInput? parsed;
        try { parsed = input.Deserialize<ThemeInput>(Json.Options); }
        catch (JsonException e) { return $"is not a theme input ({{\"assetId\", \"theme\", \"route\"?, \"attempts\"?, \"saveMasks\"?}}): {ProblemExceptionHandler.Describe(e)}"; }
        if (parsed is null || parsed.AssetId == Guid.Empty || string.IsNullOrWhiteSpace(parsed.Theme)) return "needs `assetId` (a photo of a person) and `theme`.";
        try { ThemeCatalog.Get(parsed.Theme); }
        catch (LikenessException e) { return e.Message; }
        if (parsed.Attempts is < 1 or > 10) return "`attempts` must be 1..10 (each attempt is a paid provider call).";
        if (GatedJobGeneration.NoProviderProblem(providers, "applying a theme") is { } noProvider) return noProvider;
        return await OwnedAssets.ProblemAsync(dbFactory, owner.UserId, [new AssetReference("assetId", parsed.AssetId, true)], ct);
    }
}

public sealed class ThemeStep(VisionEngine engine, GatedJobGeneration generation) : IJobStepHandler
{
    public string Kind => ThemeKind.Name;
    public string Name => "apply";

    public async Task<JobStepResult> ExecuteAsync(JobStepContext context, CancellationToken ct)
    {
        var input = context.Input.Deserialize<ThemeInput>(Json.Options) ?? throw new PermanentJobException("The job input is empty.");
        var theme = ThemeCatalog.Get(input.Theme);
        RgbaImage photo;
        await using (var stream = await context.Artifacts.OpenAssetAsync(input.AssetId, ct))
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, ct);
            try { photo = ImageCodec.Decode(buffer.ToArray(), "photo"); }
            catch (ImageDecodeException e) { throw new PermanentJobException($"The photo cannot be read: {e.Reason}"); }
        }
        ThemeMaskSet masks;
        try { masks = await new ThemeMasks(engine).BuildAsync(photo, theme, ct); }
        catch (LikenessException e) { throw new PermanentJobException(e.Message); }
        var (generator, _, generationContext) = await generation.ForStepAsync(context, input.Attempts, ct);
        var started = DateTime.UtcNow;
        ThemeResult result;
        try { result = await new ThemeApplication(engine, generator).ApplyAsync(photo, theme, masks, generationContext, input.Route, null, ct); }
        catch (LikenessException e) { throw new PermanentJobException(e.Message); }
        catch (Exception e) when (e is GenerationFailedException or ProviderException) { throw GatedJobGeneration.JobError(e); }

        var asset = await GatedJobGeneration.SaveImageAsync(context, result.Image, "themes", $"{theme.Id}.png",
            GeneratedProvenance.For($"theme {theme.Id}", result.Outcome.Winner), null, ct);
        Guid? maskAsset = input.SaveMasks
            ? await GatedJobGeneration.SaveImageAsync(context, ThemeApplication.MaskImage(masks.Combined), "themes", $"{theme.Id}-mask.png",
                GeneratedProvenance.For($"theme {theme.Id} mask", result.Outcome.Winner), null, ct)
            : null;
        var output = new ThemeOutput(theme.Id, asset, maskAsset, Math.Round(masks.Coverage, 4), result.Outcome.Winner.Verdict.Similarity is { } s ? Math.Round(s, 3) : null,
            AttemptReport.From(result.Outcome.Attempts));
        return new JobStepResult(JsonSerializer.SerializeToElement(output, Json.Options), maskAsset is { } m ? [asset, m] : [asset],
            await generation.CostAsync(context.StepId, started, CancellationToken.None));
    }
}
