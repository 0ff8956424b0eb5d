using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Jobs;
using Likeness.Pipelines;
using Likeness.Pipelines.Generation;
using Likeness.Providers;
using Likeness.Providers.Outputs;
using Likeness.Providers.Service;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Likeness.Server.Generation;

/// <summary>
/// What a job step needs to generate through the likeness gate: the loop wired to the provider service and the blob
/// store, a context that puts the job and step on every ledger row, the step's cost from the ledger, and the
/// translation of failures into job outcomes (a failed gate or the budget is permanent; provider outages are retried).
/// </summary>
public sealed class GatedJobGeneration(IGenerationService service, IOutputStore outputs, VisionEngine engine, IEnumerable<IGenerativeProvider> providers,
    IDbContextFactory<LikenessDb> dbFactory, IOptions<GenerateOptions> options, TimeProvider time)
{
    public IGenerationService Service => service;

    public async Task<(GatedGenerator Generator, GenerationGate Gate, GenerationContext Context)> ForStepAsync(JobStepContext step, int? attempts, CancellationToken ct)
    {
        var gate = new GenerationGate(engine);
        var generator = new GatedGenerator(service, outputs, gate, new GatedGenerationOptions { MaxAttempts = attempts ?? 3 }, time);
        return (generator, gate, await ContextAsync(step, ct));
    }

    /// <summary>The provider context of a step: its owner (budget, ledger), the step deadline, and the job and step on every ledger row.</summary>
    public async Task<GenerationContext> ContextAsync(JobStepContext step, CancellationToken ct)
        => new(await UserNameAsync(step.Owner, ct), time.GetUtcNow() + options.Value.Deadline) { JobId = step.JobId, StepId = step.StepId };

    /// <summary>The owner's user name, which the provider layer's budget and ledger key on.</summary>
    public async Task<string> UserNameAsync(JobOwner owner, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Users.Where(u => u.Id == owner.UserId).Select(u => u.Name).SingleOrDefaultAsync(ct)
            ?? throw new PermanentJobException("The job's owner no longer exists.");
    }

    /// <summary>Every ledger row of this step since it started (all attempts and routes, passed or not).</summary>
    public async Task<decimal> CostAsync(Guid stepId, DateTime since, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await db.GenerationLogs.Where(g => g.StepId == stepId && g.CreatedAt >= since).Select(g => g.EstimatedUsd).ToListAsync(ct)).Sum();
    }

    public static Exception JobError(Exception e) => e switch
    {
        GenerationFailedException or CinematicChainFailedException => new PermanentJobException(e.Message),
        ProviderException { Kind: FailureKind.Overloaded or FailureKind.RateLimited or FailureKind.Transient or FailureKind.CircuitOpen
            or FailureKind.ProviderFailed or FailureKind.OutputUnavailable } p => new GenerationRetryableException(p.Message, p),
        ProviderException p => new PermanentJobException(p.Message),
        _ => e,
    };

    /// <summary>Null when some provider is configured; else which keys to set for <paramref name="what"/>.</summary>
    public static string? NoProviderProblem(IEnumerable<IGenerativeProvider> providers, string what)
    {
        if (providers.Any(p => p.IsConfigured)) return null;
        var keys = string.Join("; ", ProviderConfiguration.KeyVariables.Select(k => $"{k.Key}: {string.Join(" or ", k.Value)} (or Likeness:Providers:{k.Key}:ApiKey)"));
        return $"{what} needs a cloud provider and none is configured on this server. Set a key: {keys}. See docs/providers.md.";
    }

    public string? NoProviderProblem(string what) => NoProviderProblem(providers, what);

    /// <summary>Null when a configured provider offers <paramref name="operation"/>; else which of the providers that offer it to set up.</summary>
    public static string? OperationProblem(IEnumerable<IGenerativeProvider> providers, GenerationOperation operation, string what)
    {
        var offering = providers.Where(p => p.Supports(operation)).ToList();
        if (offering.Any(p => p.IsConfigured)) return null;
        return offering.Count == 0
            ? $"{what} needs a provider that offers {operation}, and none on this server does by default; configure a model for it (docs/providers.md)."
            : $"{what} needs {string.Join(" or ", offering.Select(p => p.DisplayName))}, which is not configured on this server: {string.Join("; ", offering.Select(p => p.ConfigurationHint))}. See docs/providers.md.";
    }

    public static async Task<Guid> SaveImageAsync(JobStepContext step, RgbaImage image, string folder, string name, Likeness.Compositing.ProvenanceRecord provenance,
        Guid? identityId, CancellationToken ct)
    {
        var png = ImageCodec.Encode(image, ImageFormat.Png, new EncodeOptions { FastPngCompression = true, Metadata = provenance.ToMetadata(ImageFormat.Png) });
        return await step.Artifacts.SaveAssetAsync(new MemoryStream(png), new NewJobAsset("SCENE_IMAGE", folder, name, "image/png", image.Width, image.Height, identityId), ct);
    }
}
