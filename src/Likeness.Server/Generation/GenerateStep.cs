using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using Likeness.Jobs;
using Likeness.Providers;
using Likeness.Providers.Outputs;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Likeness.Server.Generation;

/// <summary>
/// Runs the operation with a deadline and the job's cancellation token; images become SCENE_IMAGE assets, a LoRA
/// a LORA_MODEL asset, a description goes into the step output. The step's cost is what the ledger recorded for it.
/// Refusals that would fail again (bad request, safety, budget, missing key) fail the job at once; provider trouble
/// that may pass (overload, 5xx, expired output) is left to the job engine's own retry.
/// </summary>
public sealed partial class GenerateStep(IGenerationService generation, IOutputStore outputs, IDbContextFactory<LikenessDb> dbFactory,
    IOptions<GenerateOptions> options, TimeProvider time, GatedJobGeneration jobs, ILogger<GenerateStep> log) : IJobStepHandler
{
    static readonly JsonSerializerOptions OutputJson = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public string Kind => GenerateKind.Name;
    public string Name => "generate";

    public async Task<JobStepResult> ExecuteAsync(JobStepContext context, CancellationToken ct)
    {
        var input = GenerateKind.Parse(context.Input);
        var request = await WithIdentityLoraAsync(await BuildRequestAsync(input, context.Artifacts, ct), input, context.Owner, ct);
        var deadline = options.Value.DeadlineFor(input);
        using var cutOff = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cutOff.CancelAfter(deadline + options.Value.DeadlineGrace);
        var generationContext = new GenerationContext(await jobs.UserNameAsync(context.Owner, ct), time.GetUtcNow() + deadline, new ProviderProgress(context.Progress))
        {
            JobId = context.JobId,
            StepId = context.StepId,
        };
        var started = DateTime.UtcNow;
        GenerationResult result;
        try { result = await generation.RunAsync(request, generationContext, cutOff.Token); }
        catch (ProviderException e) { throw JobError(e); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested && cutOff.IsCancellationRequested)
        {
            throw new PermanentJobException($"The provider did not finish within the step's deadline of {deadline}; raise `deadlineSeconds` or Likeness:Jobs:Generate:Deadline.");
        }

        var assets = new List<Guid>();
        var images = new List<object>();
        var folder = input.Folder ?? (input.Op == GenerationOperation.TrainLora ? "loras" : "generated");
        foreach (var (image, n) in result.Images.Select((image, n) => (image, n)))
        {
            var id = await SaveAsync(context, image, new NewJobAsset("SCENE_IMAGE", folder, $"{input.Operation}-{n + 1}{Extension(image.ContentType)}", image.ContentType, image.Width, image.Height), ct);
            assets.Add(id);
            images.Add(new { assetId = id, width = image.Width, height = image.Height, sha256 = image.Key });
        }
        object? lora = null;
        if (result.LoraFile is { } file)
        {
            var id = await SaveAsync(context, file, new NewJobAsset("LORA_MODEL", folder, $"{input.TriggerWord}.safetensors", "application/octet-stream"), ct);
            assets.Add(id);
            lora = new { assetId = id, sourceUrl = file.SourceUrl, triggerWord = input.TriggerWord };
        }
        var output = JsonSerializer.SerializeToElement(new
        {
            operation = input.Operation, provider = result.Provider, model = result.Model, requestId = result.ProviderRequestId,
            text = result.Text, images, lora, estimatedUsd = result.EstimatedUsd,
            attempts = result.Attempts.Select(a => new { a.Provider, a.Model, failure = a.Failure?.ToString(), a.Reason, durationMs = (long)a.Duration.TotalMilliseconds }),
        }, OutputJson);
        return new JobStepResult(output, assets, await jobs.CostAsync(context.StepId, started, ct));
    }

    async Task<GenerationRequest> BuildRequestAsync(GenerateInput input, IJobArtifacts artifacts, CancellationToken ct)
    {
        var images = new Dictionary<Guid, MediaInput>();
        foreach (var (_, id, _) in input.AssetReferences().DistinctBy(r => r.Id))
        {
            var asset = await artifacts.FindAssetAsync(id, ct) ?? throw new PermanentJobException($"Asset {id} does not exist any more for this user.");
            images[id] = MediaInput.FromBytes(await ReadAsync(artifacts, id, ct), asset.MediaType);
        }
        var zip = input.TrainingZipUrl;
        if (input.TrainingAssetIds is { Count: > 0 } photos)
            zip = "data:application/zip;base64," + Convert.ToBase64String(await ZipAsync(photos, artifacts, images, ct));
        return input.ToRequest(id => images[id], zip);
    }

    /// <summary>The identity's current LoRA and trigger word, when the input names an identity (and the operation generates images).</summary>
    async Task<GenerationRequest> WithIdentityLoraAsync(GenerationRequest request, GenerateInput input, JobOwner owner, CancellationToken ct)
    {
        if (input.IdentityId is not { } identity || request.Operation is not (GenerationOperation.TextToImage or GenerationOperation.Inpaint or GenerationOperation.PoseControl))
            return request;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Identities.AnyAsync(i => i.Id == identity && i.OwnerId == owner.UserId, ct))
            throw new PermanentJobException($"Identity {identity} does not exist any more for this user.");
        var lora = await db.IdentityLoras.AsNoTracking().Where(l => l.IdentityId == identity && l.Status == LoraStatus.Ready && l.SourceUrl != null)
            .OrderByDescending(l => l.Version).FirstOrDefaultAsync(ct);
        if (lora is null) return request;
        var prompt = request.Prompt ?? "";
        return request with
        {
            Loras = [.. request.Loras, new LoraWeight(lora.SourceUrl!, input.LoraScale ?? Likeness.Pipelines.Lora.IdentityPanel.LoraScale)],
            Prompt = prompt.Contains(lora.TriggerWord, StringComparison.Ordinal) ? prompt : $"A photo of {lora.TriggerWord}. {prompt}",
        };
    }

    /// <summary>Training photos as one zip, sent inline: the provider cannot reach this server's blob store.</summary>
    static async Task<byte[]> ZipAsync(List<Guid> photos, IJobArtifacts artifacts, Dictionary<Guid, MediaInput> images, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (id, n) in photos.Select((id, n) => (id, n)))
            {
                var info = await artifacts.FindAssetAsync(id, ct);
                await using var entry = zip.CreateEntry($"{n + 1:000}{Path.GetExtension(info?.Name ?? ".jpg")}", CompressionLevel.NoCompression).Open();
                await entry.WriteAsync(images[id].Bytes, ct);
            }
        }
        return buffer.ToArray();
    }

    static async Task<byte[]> ReadAsync(IJobArtifacts artifacts, Guid id, CancellationToken ct)
    {
        await using var stream = await artifacts.OpenAssetAsync(id, ct);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, ct);
        return copy.ToArray();
    }

    async Task<Guid> SaveAsync(JobStepContext context, StoredOutput output, NewJobAsset asset, CancellationToken ct)
    {
        await using var content = await outputs.OpenAsync(output.Key, ct)
            ?? throw new InvalidOperationException($"Provider output {output.Key} vanished from the blob store before it became an asset.");
        return await context.Artifacts.SaveAssetAsync(content, asset, ct);
    }



    Exception JobError(ProviderException e)
    {
        if (e.Kind == FailureKind.BudgetExceeded)
            return new PermanentJobException("Refused before any provider was called: " + (e.Attempts.FirstOrDefault(a => a.Failure == FailureKind.BudgetExceeded)?.Reason ?? e.Message));
        if (Retryable(e.Kind))
        {
            log.LogInformation("Generation failed ({Kind}); the job engine may retry: {Reason}", e.Kind, e.Message);
            return new GenerationRetryableException(e.Message, e);
        }
        return new PermanentJobException(e.Message);
    }

    /// <summary>Failures that may pass with time; the provider layer already retried and fell back within this attempt.</summary>
    static bool Retryable(FailureKind kind) => kind is FailureKind.Overloaded or FailureKind.RateLimited or FailureKind.Transient
        or FailureKind.CircuitOpen or FailureKind.ProviderFailed or FailureKind.EmptyResponse or FailureKind.OutputUnavailable;

    static string Extension(string contentType) => contentType switch
    {
        "image/jpeg" => ".jpg",
        "image/webp" => ".webp",
        _ => ".png",
    };

    /// <summary>Provider lifecycle → step progress; "step 14/28" in running logs moves it along.</summary>
    sealed partial class ProviderProgress(IProgress<double> step) : IProgress<ProviderStatus>
    {
        public void Report(ProviderStatus status) => step.Report(status.Phase switch
        {
            ProviderPhase.Submitted => 0.05,
            ProviderPhase.Queued => 0.1,
            ProviderPhase.Running => 0.3 + 0.6 * Fraction(status.Logs),
            ProviderPhase.Succeeded => 0.9,
            _ => 0,
        });

        static double Fraction(IReadOnlyList<string>? logs)
        {
            var match = logs is { Count: > 0 } ? StepCount().Match(logs[^1]) : Match.Empty;
            return match.Success && int.TryParse(match.Groups[1].Value, out var done) && int.TryParse(match.Groups[2].Value, out var total) && total > 0
                ? Math.Clamp((double)done / total, 0, 1) : 0;
        }

        [GeneratedRegex(@"(\d+)\s*/\s*(\d+)")]
        private static partial Regex StepCount();
    }
}

/// <summary>A provider failure the job engine may retry (its message is already user-facing and free of secrets).</summary>
public sealed class GenerationRetryableException(string message, Exception inner) : Exception(message, inner);
