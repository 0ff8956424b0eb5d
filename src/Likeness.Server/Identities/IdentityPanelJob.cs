using System.Text.Json;
using Likeness.Jobs;
using Likeness.Pipelines;
using Likeness.Pipelines.Generation;
using Likeness.Pipelines.Lora;
using Likeness.Providers;
using Likeness.Server.Api;
using Likeness.Server.Blobs;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;
using Likeness.Server.Generation;

namespace Likeness.Server.Identities;

public sealed record IdentityPanelInput(Guid IdentityId, int Version);

/// <summary>
/// `identity-panel`: the five panel tests with one LoRA version (trigger word in each prompt, the weights applied at
/// scale 0.8), each output judged by the gate against the identity's photos. Results (and their images, assets of the
/// identity) are kept on the version, so versions can be compared. A test that fails is a result, not a job failure;
/// provider outages still fail or retry the job.
/// </summary>
public sealed class IdentityPanelKind(IDbContextFactory<LikenessDb> dbFactory, IEnumerable<IGenerativeProvider> providers) : IJobKind
{
    public const string Name = "identity-panel";
    public string Kind => Name;
    public IReadOnlyList<string> Steps { get; } = ["panel"];
    public int InvalidInputStatus => 422;

    public async Task<string?> ValidateAsync(JsonElement input, JobOwner owner, CancellationToken ct)
    {
        IdentityPanelInput? parsed;
        try { parsed = input.Deserialize<IdentityPanelInput>(Json.Options); }
        catch (JsonException e) { return $"is not an identity-panel input: {ProblemExceptionHandler.Describe(e)}"; }
        if (parsed is null || parsed.IdentityId == Guid.Empty) return "needs `identityId` and `version`.";
        if (GatedJobGeneration.NoProviderProblem(providers, "the identity panel") is { } noProvider) return noProvider;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Identities.AnyAsync(i => i.Id == parsed.IdentityId && i.OwnerId == owner.UserId, ct)) return $"identity {parsed.IdentityId} does not exist for this user.";
        return await db.IdentityLoras.AnyAsync(l => l.IdentityId == parsed.IdentityId && l.Version == parsed.Version && l.Status == LoraStatus.Ready, ct)
            ? null : $"LoRA version {parsed.Version} of this identity is not ready: train one first (POST /identities/{parsed.IdentityId}/lora).";
    }
}

public sealed class IdentityPanelStep(VisionEngine engine, IDbContextFactory<LikenessDb> dbFactory, IBlobStore blobs, GatedJobGeneration generation) : IJobStepHandler
{
    public string Kind => IdentityPanelKind.Name;
    public string Name => "panel";

    public async Task<JobStepResult> ExecuteAsync(JobStepContext context, CancellationToken ct)
    {
        var input = context.Input.Deserialize<IdentityPanelInput>(Json.Options) ?? throw new PermanentJobException("The job input is empty.");
        await IdentityPhotoFiles.OwnedNameAsync(dbFactory, context, input.IdentityId, ct);
        IdentityLora lora;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            lora = await db.IdentityLoras.AsNoTracking().SingleOrDefaultAsync(l => l.IdentityId == input.IdentityId && l.Version == input.Version && l.Status == LoraStatus.Ready, ct)
                ?? throw new PermanentJobException($"LoRA version {input.Version} is not ready any more.");
        if (lora.SourceUrl is null) throw new PermanentJobException($"LoRA version {input.Version} has no provider URL to generate with; train it again.");
        var photos = await IdentityPhotoFiles.LoadAsync(dbFactory, blobs, input.IdentityId, null, ct);
        ReferenceSet references;
        try { references = await ReferenceSet.BuildAsync(engine, photos.Select(p => p.Photo).ToList(), ct); }
        catch (LikenessException e) { throw new PermanentJobException(e.Message); }
        var (generator, _, generationContext) = await generation.ForStepAsync(context, 1, ct);
        var started = DateTime.UtcNow;
        var results = new List<PanelResult>();
        var assets = new List<Guid>();
        var tests = IdentityPanel.Tests(lora.TriggerWord);
        for (int i = 0; i < tests.Count; i++)
        {
            var test = tests[i];
            context.Progress.Report((double)i / tests.Count);
            var request = new GenerationRequest
            {
                Operation = GenerationOperation.TextToImage, Prompt = test.Prompt, Loras = [new LoraWeight(lora.SourceUrl, Likeness.Pipelines.Lora.IdentityPanel.LoraScale)],
            };
            try
            {
                var outcome = await generator.RunAsync(new GatedRequest($"panel test '{test.Name}'", request, test.Expectation, references.Template), generationContext, null, ct);
                var id = await GatedJobGeneration.SaveImageAsync(context, outcome.Image, "panel", $"v{lora.Version}-{test.Name}.png",
                    GeneratedProvenance.For($"panel {test.Name}", outcome.Winner), input.IdentityId, ct);
                assets.Add(id);
                results.Add(Result(test.Name, outcome.Winner.Verdict, id));
            }
            catch (GenerationFailedException e)
            {
                var verdict = e.Attempts.LastOrDefault()?.Verdict ?? GenerationGate.NoImage(FailureKind.EmptyResponse, e.Message);
                results.Add(Result(test.Name, verdict, null));
            }
            catch (ProviderException e) { throw GatedJobGeneration.JobError(e); }
        }
        var report = PanelReport.From(lora.Version, results);
        await using (var db = await dbFactory.CreateDbContextAsync(CancellationToken.None))
            await db.IdentityLoras.Where(l => l.Id == lora.Id).ExecuteUpdateAsync(l => l
                .SetProperty(x => x.PanelJson, JsonSerializer.Serialize(report, Json.Options)).SetProperty(x => x.UpdatedAt, DateTime.UtcNow), CancellationToken.None);
        return new JobStepResult(JsonSerializer.SerializeToElement(report, Json.Options), assets, await generation.CostAsync(context.StepId, started, CancellationToken.None));
    }

    static PanelResult Result(string test, GateVerdict v, Guid? asset) => new(test, v.Passed, v.Summary,
        v.Similarity is { } s ? Math.Round(s, 3) : null, v.Yaw, v.MeasuredView?.ToString(), v.Faces, asset);
}
