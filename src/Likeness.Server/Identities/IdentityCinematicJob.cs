using System.Text.Json;
using Likeness.Imaging.Codecs;
using Likeness.Jobs;
using Likeness.Pipelines;
using Likeness.Pipelines.Generation;
using Likeness.Providers;
using Likeness.Server.Api;
using Likeness.Server.Blobs;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;
using Likeness.Server.Generation;

namespace Likeness.Server.Identities;

/// <summary>Optional body of POST /identities/{id}/cinematic.</summary>
public sealed record IdentityCinematicRequest(string? Route = null, int? Attempts = null);

public sealed record IdentityCinematicInput(Guid IdentityId, string? Route = null, int? Attempts = null);

/// <summary>What a cinematic step leaves for the next: the image asset, its measured yaw, every attempt, and (step 3) the description.</summary>
public sealed record CinematicStepOutput(Guid? AssetId, float? Yaw, double? Similarity, IReadOnlyList<AttemptReport> Attempts, string? Description = null);

/// <summary>
/// `identity-cinematic`: the cinematic chain over an identity's accepted photos, one job step per chain step
/// (`still`, `portrait`, `final`), each gated and regenerated up to `attempts` times. A step that never passes
/// fails the job (permanently) with every attempt's verdict; provider outages are left to the engine's retry.
/// </summary>
public sealed class IdentityCinematicKind(IDbContextFactory<LikenessDb> dbFactory, IEnumerable<IGenerativeProvider> providers) : IJobKind
{
    public const string Name = "identity-cinematic";
    public string Kind => Name;
    public IReadOnlyList<string> Steps { get; } = ["still", "portrait", "final"];
    public int InvalidInputStatus => 422;

    public async Task<string?> ValidateAsync(JsonElement input, JobOwner owner, CancellationToken ct)
    {
        IdentityCinematicInput? parsed;
        try { parsed = input.Deserialize<IdentityCinematicInput>(Json.Options); }
        catch (JsonException e) { return $"is not an identity-cinematic input ({{\"identityId\", \"route\"?, \"attempts\"?}}): {ProblemExceptionHandler.Describe(e)}"; }
        if (parsed is null || parsed.IdentityId == Guid.Empty) return "needs `identityId`.";
        if (parsed.Attempts is < 1 or > 10) return "`attempts` must be 1..10 (each attempt is a paid provider call).";
        if (GatedJobGeneration.NoProviderProblem(providers, "the cinematic chain") is { } noProvider) return noProvider;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Identities.AnyAsync(i => i.Id == parsed.IdentityId && i.OwnerId == owner.UserId, ct))
            return $"identity {parsed.IdentityId} does not exist for this user.";
        return await IdentityViewsKind.PhotoProblemAsync(db, parsed.IdentityId, ct);
    }

    internal static IdentityCinematicInput Parse(JobStepContext c) =>
        c.Input.Deserialize<IdentityCinematicInput>(Json.Options) ?? throw new PermanentJobException("The job input is empty.");
}

/// <summary>The three steps share this: the identity's references and template, the gated loop, and storing the image with its provenance.</summary>
public abstract class CinematicStepBase(VisionEngine engine, IDbContextFactory<LikenessDb> dbFactory, IBlobStore blobs, GatedJobGeneration generation) : IJobStepHandler
{
    public string Kind => IdentityCinematicKind.Name;
    public abstract string Name { get; }

    public async Task<JobStepResult> ExecuteAsync(JobStepContext context, CancellationToken ct)
    {
        var input = IdentityCinematicKind.Parse(context);
        await IdentityPhotoFiles.OwnedNameAsync(dbFactory, context, input.IdentityId, ct);
        var photos = await IdentityPhotoFiles.LoadAsync(dbFactory, blobs, input.IdentityId, null, ct);
        ReferenceSet references;
        try { references = await ReferenceSet.BuildAsync(engine, photos.Select(p => p.Photo).ToList(), ct); }
        catch (LikenessException e) { throw new PermanentJobException(e.Message); }
        var (generator, _, generationContext) = await generation.ForStepAsync(context, input.Attempts, ct);
        var chain = new CinematicChain(generator, generation.Service, input.Route);
        var started = DateTime.UtcNow;
        CinematicStepOutput output;
        try { output = await RunAsync(context, chain, references, generationContext, ct); }
        catch (Exception e) when (e is GenerationFailedException or ProviderException) { throw GatedJobGeneration.JobError(e); }
        return new JobStepResult(JsonSerializer.SerializeToElement(output, Json.Options), output.AssetId is { } id ? [id] : null,
            await generation.CostAsync(context.StepId, started, CancellationToken.None));
    }

    protected abstract Task<CinematicStepOutput> RunAsync(JobStepContext context, CinematicChain chain, ReferenceSet references, GenerationContext generationContext, CancellationToken ct);

    protected static async Task<CinematicStepOutput> StoreAsync(JobStepContext context, CinematicStep step, string file, string? description, CancellationToken ct)
    {
        var winner = step.Winner!;
        var identity = IdentityCinematicKind.Parse(context).IdentityId;
        var id = await GatedJobGeneration.SaveImageAsync(context, step.Image!, "cinematic", file, GeneratedProvenance.For($"cinematic {step.Name}", winner), identity, ct);
        return new CinematicStepOutput(id, winner.Verdict.Yaw, winner.Verdict.Similarity, AttemptReport.From(step.Attempts), description);
    }

    /// <summary>The still from step 1 (its asset) and its measured yaw.</summary>
    protected static async Task<(Likeness.Imaging.RgbaImage Image, float Yaw)> StillAsync(JobStepContext context, CancellationToken ct)
    {
        var still = context.PreviousOutputs.TryGetValue("still", out var o) ? o.Deserialize<CinematicStepOutput>(Json.Options) : null;
        if (still?.AssetId is not { } id) throw new PermanentJobException("The still step left no image; retry the job.");
        await using var stream = await context.Artifacts.OpenAssetAsync(id, ct);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return (ImageCodec.Decode(buffer.ToArray(), "cinematic still"), still.Yaw ?? 0);
    }
}

public sealed class CinematicStillStep(VisionEngine engine, IDbContextFactory<LikenessDb> dbFactory, IBlobStore blobs, GatedJobGeneration generation)
    : CinematicStepBase(engine, dbFactory, blobs, generation)
{
    public override string Name => "still";

    protected override async Task<CinematicStepOutput> RunAsync(JobStepContext context, CinematicChain chain, ReferenceSet references, GenerationContext generationContext, CancellationToken ct)
        => await StoreAsync(context, await chain.StillAsync(references.References, references.Template, generationContext, null, ct), "still.png", null, ct);
}

public sealed class CinematicPortraitStep(VisionEngine engine, IDbContextFactory<LikenessDb> dbFactory, IBlobStore blobs, GatedJobGeneration generation)
    : CinematicStepBase(engine, dbFactory, blobs, generation)
{
    public override string Name => "portrait";

    protected override async Task<CinematicStepOutput> RunAsync(JobStepContext context, CinematicChain chain, ReferenceSet references, GenerationContext generationContext, CancellationToken ct)
    {
        var (still, yaw) = await StillAsync(context, ct);
        return await StoreAsync(context, await chain.PortraitAsync(still, yaw, references.References, references.Template, generationContext, null, ct), "portrait.png", null, ct);
    }
}

public sealed class CinematicFinalStep(VisionEngine engine, IDbContextFactory<LikenessDb> dbFactory, IBlobStore blobs, GatedJobGeneration generation)
    : CinematicStepBase(engine, dbFactory, blobs, generation)
{
    public override string Name => "final";

    protected override async Task<CinematicStepOutput> RunAsync(JobStepContext context, CinematicChain chain, ReferenceSet references, GenerationContext generationContext, CancellationToken ct)
    {
        var (still, _) = await StillAsync(context, ct);
        var description = (await chain.DescribeAsync(still, generationContext, ct)).Text!;
        return await StoreAsync(context, await chain.FinalAsync(description, references.References, references.Template, generationContext, null, ct), "final.png", description, ct);
    }
}
