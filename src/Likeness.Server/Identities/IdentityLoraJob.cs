using System.Text.Json;
using System.Text.RegularExpressions;
using Likeness.Jobs;
using Likeness.Pipelines;
using Likeness.Pipelines.Lora;
using Likeness.Providers;
using Likeness.Providers.Costs;
using Likeness.Providers.Fal;
using Likeness.Providers.Outputs;
using Likeness.Server.Api;
using Likeness.Server.Blobs;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Likeness.Server.Generation;

namespace Likeness.Server.Identities;

/// <summary>Body of POST /identities/{id}/lora (all optional).</summary>
/// <param name="TriggerWord">The token that calls up the person in prompts (default: "lk" + the identity id's first 6 hex digits).</param>
/// <param name="Steps">Training steps (default: the provider's, fal.ai 1000).</param>
/// <param name="DeadlineSeconds">How long training may take (10..7200; default Likeness:Jobs:Generate:TrainingDeadline).</param>
public sealed record IdentityLoraRequest(string? TriggerWord = null, int? Steps = null, int? DeadlineSeconds = null);

public sealed record IdentityLoraInput(Guid IdentityId, string TriggerWord, int Steps, int? DeadlineSeconds = null);

/// <summary>
/// `identity-lora`: trains a LoRA from the identity's accepted photos (face-centred crops, one zip) at a provider.
/// The version row is `training` while it runs; `ready` only once the weights were downloaded, verified as safetensors
/// and stored as a LORA_MODEL asset of the identity; `failed` or `canceled` with the reason otherwise, which leaves the
/// previous ready version in force.
/// </summary>
public sealed partial class IdentityLoraKind(IDbContextFactory<LikenessDb> dbFactory, IEnumerable<IGenerativeProvider> providers) : IJobKind
{
    public const string Name = "identity-lora";
    public string Kind => Name;
    public IReadOnlyList<string> Steps { get; } = ["train"];
    public int InvalidInputStatus => 422;

    public static string DefaultTrigger(Guid identityId) => "lk" + identityId.ToString("N")[..6];

    [GeneratedRegex("^[a-z][a-z0-9_]{2,31}$")]
    private static partial Regex TriggerPattern();

    public async Task<string?> ValidateAsync(JsonElement input, JobOwner owner, CancellationToken ct)
    {
        IdentityLoraInput? parsed;
        try { parsed = input.Deserialize<IdentityLoraInput>(Json.Options); }
        catch (JsonException e) { return $"is not an identity-lora input: {ProblemExceptionHandler.Describe(e)}"; }
        if (parsed is null || parsed.IdentityId == Guid.Empty) return "needs `identityId`.";
        return await ProblemAsync(dbFactory, providers, owner.UserId, parsed, ct);
    }

    public static async Task<string?> ProblemAsync(IDbContextFactory<LikenessDb> dbFactory, IEnumerable<IGenerativeProvider> providers, Guid owner, IdentityLoraInput input, CancellationToken ct)
    {
        if (!TriggerPattern().IsMatch(input.TriggerWord)) return $"`triggerWord` '{input.TriggerWord}' must be 3-32 lowercase letters, digits or '_', starting with a letter (a rare token, e.g. {DefaultTrigger(input.IdentityId)}).";
        if (input.Steps is < 100 or > 10000) return "`steps` must be 100..10000.";
        if (input.DeadlineSeconds is < 10 or > 7200) return "`deadlineSeconds` must be 10..7200.";
        if (!providers.Any(p => p.IsConfigured && p.Supports(GenerationOperation.TrainLora)))
            return GatedJobGeneration.NoProviderProblem(providers.Where(p => p.Supports(GenerationOperation.TrainLora)), "LoRA training")
                   ?? "LoRA training needs fal.ai (FAL_KEY or Likeness:Providers:Fal:ApiKey); no configured provider trains LoRAs.";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Identities.AnyAsync(i => i.Id == input.IdentityId && i.OwnerId == owner, ct)) return $"identity {input.IdentityId} does not exist for this user.";
        int photos = await db.IdentityPhotos.CountAsync(p => p.IdentityId == input.IdentityId && p.CheckPassed, ct);
        if (photos < TrainingSet.MinPhotos)
            return $"training needs at least {TrainingSet.MinPhotos} accepted photos of the person and the identity has {photos}: upload more (POST /identities/{input.IdentityId}/photos; 3-5 clear photos, different angles and light, one in profile).";
        return null;
    }

    /// <summary>A cancel can land while the step waits out a retry's backoff, outside its own catch: the version row must not stay `training`.</summary>
    public async Task CanceledAsync(Guid jobId, JsonElement input)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var now = DateTime.UtcNow;
        await db.IdentityLoras.Where(l => l.JobId == jobId && l.Status == LoraStatus.Training).ExecuteUpdateAsync(l => l
            .SetProperty(x => x.Status, LoraStatus.Canceled).SetProperty(x => x.StatusReason, "the training job was canceled").SetProperty(x => x.UpdatedAt, now), CancellationToken.None);
    }

    internal static IdentityLoraInput Parse(JobStepContext c) => c.Input.Deserialize<IdentityLoraInput>(Json.Options) ?? throw new PermanentJobException("The job input is empty.");
}

public sealed class IdentityLoraTrainStep(VisionEngine engine, IDbContextFactory<LikenessDb> dbFactory, IBlobStore blobs, IGenerationService generation,
    IOutputStore outputs, IOptions<GenerateOptions> options, IOptions<PriceTableOptions> prices, TimeProvider time, GatedJobGeneration jobs, ILogger<IdentityLoraTrainStep> log) : IJobStepHandler
{
    public string Kind => IdentityLoraKind.Name;
    public string Name => "train";

    public async Task<JobStepResult> ExecuteAsync(JobStepContext context, CancellationToken ct)
    {
        var input = IdentityLoraKind.Parse(context);
        var identity = await IdentityPhotoFiles.OwnedNameAsync(dbFactory, context, input.IdentityId, ct);
        var version = await StartVersionAsync(context, input, ct);
        var started = DateTime.UtcNow;
        try
        {
            var photos = await IdentityPhotoFiles.LoadAsync(dbFactory, blobs, input.IdentityId, null, ct);
            var set = await TrainingSet.BuildAsync(engine, photos.Select(p => p.Photo).ToList(), ct);
            if (set.Photos < TrainingSet.MinPhotos)
                throw new PermanentJobException($"only {set.Photos} of the photos of '{identity}' have a usable face ({string.Join("; ", set.Skipped)}); training needs {TrainingSet.MinPhotos}.");
            var deadline = input.DeadlineSeconds is { } s ? TimeSpan.FromSeconds(s) : options.Value.TrainingDeadline;
            var request = new GenerationRequest
            {
                Operation = GenerationOperation.TrainLora,
                TrainingImagesZipUrl = "data:application/zip;base64," + Convert.ToBase64String(set.Zip),
                TriggerWord = input.TriggerWord,
                Steps = input.Steps,
            };
            var user = await jobs.UserNameAsync(context.Owner, ct);
            GenerationResult result;
            try { result = await generation.RunAsync(request, new GenerationContext(user, time.GetUtcNow() + deadline) { JobId = context.JobId, StepId = context.StepId }, ct); }
            catch (ProviderException e) when (e.Kind == FailureKind.DeadlineExceeded || e.Attempts.Any(a => a.Failure == FailureKind.DeadlineExceeded))
            {
                throw new PermanentJobException($"training did not finish within {deadline}: {e.Message}");
            }
            catch (ProviderException e) { throw GatedJobGeneration.JobError(e); }
            if (result.LoraFile is not { } file) throw new PermanentJobException($"{result.Provider} finished training but returned no weights file.");
            var bytes = await ReadAsync(file, ct);
            if (SafetensorsFile.Problem(bytes, out int tensors) is { } problem)
                throw new PermanentJobException($"{result.Provider} returned a weights file that is not valid safetensors ({problem}); nothing was kept.");
            var assetId = await context.Artifacts.SaveAssetAsync(new MemoryStream(bytes),
                new NewJobAsset("LORA_MODEL", "loras", $"{input.TriggerWord}-v{version.Version}.safetensors", "application/octet-stream", IdentityId: input.IdentityId), ct);
            var cost = await jobs.CostAsync(context.StepId, started, ct);
            await UpdateAsync(version.Id, v =>
            {
                (v.Status, v.StatusReason, v.Provider, v.Model, v.SourceUrl, v.AssetId, v.SizeBytes, v.EstimatedUsd) =
                    (LoraStatus.Ready, null, result.Provider, result.Model, file.SourceUrl, assetId, bytes.Length, cost);
            });
            log.LogInformation("LoRA v{Version} of identity {Identity} ready: {Tensors} tensors, {Size} bytes", version.Version, input.IdentityId, tensors, bytes.Length);
            var output = new { version = version.Version, status = "ready", triggerWord = input.TriggerWord, assetId, tensors, sizeBytes = bytes.Length, photos = set.Photos, skipped = set.Skipped, warning = set.Warning, provider = result.Provider, model = result.Model };
            return new JobStepResult(JsonSerializer.SerializeToElement(output, Json.Options), [assetId], cost);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await UpdateAsync(version.Id, v => (v.Status, v.StatusReason) = (LoraStatus.Canceled, "the training job was canceled"));
            throw;
        }
        catch (Exception e) when (e is not GenerationRetryableException)
        {
            await UpdateAsync(version.Id, v => (v.Status, v.StatusReason) = (LoraStatus.Failed, e.Message));
            throw;
        }
    }

    /// <summary>The version row of this job (kept across retries of the step), numbered after the identity's last one.</summary>
    async Task<IdentityLora> StartVersionAsync(JobStepContext context, IdentityLoraInput input, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var existing = await db.IdentityLoras.SingleOrDefaultAsync(l => l.JobId == context.JobId, ct);
        var now = DateTime.UtcNow;
        if (existing is not null)
        {
            (existing.Status, existing.StatusReason, existing.UpdatedAt) = (LoraStatus.Training, null, now);
            await db.SaveChangesAsync(ct);
            return existing;
        }
        int next = (await db.IdentityLoras.Where(l => l.IdentityId == input.IdentityId).MaxAsync(l => (int?)l.Version, ct) ?? 0) + 1;
        var price = new PriceTable(prices.Value).For("fal", "fal-ai/flux-lora-fast-training");
        var row = new IdentityLora
        {
            Id = Guid.NewGuid(), IdentityId = input.IdentityId, Version = next, Status = LoraStatus.Training, TriggerWord = input.TriggerWord, Steps = input.Steps,
            Photos = await db.IdentityPhotos.CountAsync(p => p.IdentityId == input.IdentityId && p.CheckPassed, ct), JobId = context.JobId,
            EstimatedUsd = price.UsdPerUnit, CreatedAt = now, UpdatedAt = now,
        };
        db.IdentityLoras.Add(row);
        await db.SaveChangesAsync(ct);
        return row;
    }

    async Task UpdateAsync(Guid id, Action<IdentityLora> change)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        if (await db.IdentityLoras.SingleOrDefaultAsync(l => l.Id == id, CancellationToken.None) is not { } row) return;
        change(row);
        row.UpdatedAt = DateTime.UtcNow;
        await db.SaveChangesAsync(CancellationToken.None);
    }



    async Task<byte[]> ReadAsync(StoredOutput file, CancellationToken ct)
    {
        await using var stream = await outputs.OpenAsync(file.Key, ct) ?? throw new PermanentJobException("the downloaded weights vanished from the blob store; retry the training.");
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }
}
