using System.Text.Json;
using Likeness.Jobs;
using Likeness.Pipelines;
using Likeness.Pipelines.Generation;
using Likeness.Providers;
using Likeness.Server.Api;
using Likeness.Server.Blobs;
using Likeness.Server.Data;
using Likeness.Server.Generation;
using Likeness.Vision.Pose.Templates;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Identities;

/// <summary>
/// One avatar: the identity in one pose. <see cref="Pose"/> names a catalogue pose ("ID-mirrored" for its mirror image);
/// <see cref="Template"/> carries a custom one instead (a catalogue entry, as `likeness pose extract` writes it).
/// </summary>
public sealed record IdentityPoseInput(Guid IdentityId, string Prompt, string? Pose = null, JsonElement? Template = null, int? LoraVersion = null,
    double? LoraScale = null, string? Route = null, int? Attempts = null, int? LongSide = null)
{
    public PoseTemplate Resolve() => Template is { ValueKind: JsonValueKind.Object } t ? PoseCatalog.FromEntry(t) : PoseCatalog.Bundled.Get(Pose ?? "");
}

/// <summary>What an avatar step reports: the pose, the image asset, its scores, and every attempt.</summary>
public sealed record IdentityPoseOutput(string Pose, Guid? AssetId, double? Similarity, double? PoseSimilarity, string? WorstPart,
    IReadOnlyList<AttemptReport> Attempts);

/// <summary>
/// `identity-pose`: the identity in one pose through a pose-control route (fal-ai/flux-general, then Replicate comfyui/any-comfyui-workflow) with the
/// identity's LoRA, gated on likeness and on the pose re-extracted from the output. An avatar batch is a batch of these
/// (POST /identities/{id}/avatars): per-item progress, retry and results ZIP come from the job engine.
/// </summary>
public sealed class IdentityPoseKind(IDbContextFactory<LikenessDb> dbFactory, IEnumerable<IGenerativeProvider> providers) : IJobKind
{
    public const string Name = "identity-pose";
    public string Kind => Name;
    public IReadOnlyList<string> Steps { get; } = ["generate"];
    public int InvalidInputStatus => 422;

    public async Task<string?> ValidateAsync(JsonElement input, JobOwner owner, CancellationToken ct)
    {
        IdentityPoseInput? parsed;
        try { parsed = input.Deserialize<IdentityPoseInput>(Json.Options); }
        catch (JsonException e) { return $"is not an identity-pose input: {ProblemExceptionHandler.Describe(e)}"; }
        if (parsed is null || parsed.IdentityId == Guid.Empty) return "needs `identityId`, `pose` (or `template`) and `prompt`.";
        if (string.IsNullOrWhiteSpace(parsed.Prompt)) return "needs `prompt`: what the person wears and where they are.";
        try { parsed.Resolve(); }
        catch (LikenessException e) { return e.Message; }
        if (parsed.Attempts is < 1 or > 10) return "`attempts` must be 1..10 (each attempt is a paid provider call).";
        if (parsed.LongSide is < 512 or > 2048) return "`longSide` must be 512..2048 pixels.";
        if (parsed.LoraScale is < 0 or > 2) return "`loraScale` must be 0..2.";
        if (GatedJobGeneration.NoProviderProblem(providers, "pose generation") is { } noProvider) return noProvider;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Identities.AnyAsync(i => i.Id == parsed.IdentityId && i.OwnerId == owner.UserId, ct)) return $"identity {parsed.IdentityId} does not exist for this user.";
        if (await IdentityViewsKind.PhotoProblemAsync(db, parsed.IdentityId, ct) is { } photos) return photos;
        return await LoraAsync(db, parsed, ct) is null
            ? $"identity {parsed.IdentityId} has no ready LoRA{(parsed.LoraVersion is { } v ? $" version {v}" : "")}: pose routes carry the likeness through the LoRA " +
              $"(they take no reference photos); train one first (POST /identities/{parsed.IdentityId}/lora)."
            : null;
    }

    internal static Task<IdentityLora?> LoraAsync(LikenessDb db, IdentityPoseInput input, CancellationToken ct) =>
        db.IdentityLoras.AsNoTracking()
            .Where(l => l.IdentityId == input.IdentityId && l.Status == LoraStatus.Ready && l.SourceUrl != null && (input.LoraVersion == null || l.Version == input.LoraVersion))
            .OrderByDescending(l => l.Version).FirstOrDefaultAsync(ct);
}

public sealed class IdentityPoseStep(VisionEngine engine, IDbContextFactory<LikenessDb> dbFactory, IBlobStore blobs, GatedJobGeneration generation) : IJobStepHandler
{
    public string Kind => IdentityPoseKind.Name;
    public string Name => "generate";

    public async Task<JobStepResult> ExecuteAsync(JobStepContext context, CancellationToken ct)
    {
        var input = context.Input.Deserialize<IdentityPoseInput>(Json.Options) ?? throw new PermanentJobException("The job input is empty.");
        await IdentityPhotoFiles.OwnedNameAsync(dbFactory, context, input.IdentityId, ct);
        PoseTemplate pose;
        try { pose = input.Resolve(); }
        catch (LikenessException e) { throw new PermanentJobException(e.Message); }
        IdentityLora lora;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            lora = await IdentityPoseKind.LoraAsync(db, input, ct) ?? throw new PermanentJobException("The identity's LoRA is not ready any more; train it again.");
        var photos = await IdentityPhotoFiles.LoadAsync(dbFactory, blobs, input.IdentityId, null, ct);
        ReferenceSet references;
        try { references = await ReferenceSet.BuildAsync(engine, photos.Select(p => p.Photo).ToList(), ct); }
        catch (LikenessException e) { throw new PermanentJobException(e.Message); }

        var (generator, _, generationContext) = await generation.ForStepAsync(context, input.Attempts, ct);
        var identity = new PoseIdentity(references.Template, references.References,
            new LoraWeight(lora.SourceUrl!, input.LoraScale ?? Likeness.Pipelines.Lora.IdentityPanel.LoraScale), lora.TriggerWord);
        var gated = PoseGeneration.Build(new PoseJob(pose, input.Prompt), identity, input.LongSide ?? PoseGeneration.DefaultLongSide, input.Route);
        var started = DateTime.UtcNow;
        var progress = new Progress<GatedProgress>(p => context.Progress.Report((p.Attempt - 1 + (p.Stage == "gate" ? 0.5 : 0)) / p.MaxAttempts));
        GatedOutcome outcome;
        try { outcome = await generator.RunAsync(gated, generationContext, progress, ct); }
        catch (Exception e) when (e is GenerationFailedException or ProviderException) { throw GatedJobGeneration.JobError(e); }

        var verdict = outcome.Winner.Verdict;
        var asset = await GatedJobGeneration.SaveImageAsync(context, outcome.Image, "avatars", $"{pose.Id}.png",
            GeneratedProvenance.For($"pose {pose.Id}", outcome.Winner), input.IdentityId, ct);
        var output = new IdentityPoseOutput(pose.Id, asset, verdict.Similarity is { } s ? Math.Round(s, 3) : null,
            verdict.PoseMatch is { } m ? Math.Round(m.Score, 3) : null, verdict.PoseMatch?.WorstPartName, AttemptReport.From(outcome.Attempts));
        return new JobStepResult(JsonSerializer.SerializeToElement(output, Json.Options), [asset], await generation.CostAsync(context.StepId, started, CancellationToken.None));
    }
}
