using System.Text.Json;
using Likeness.Jobs;
using Likeness.Providers;
using Likeness.Providers.Service;
using Likeness.Server.Api;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Likeness.Server.Assets;

namespace Likeness.Server.Generation;

/// <summary>
/// `generate`: one cloud-provider operation through <see cref="IGenerationService"/> (routing, budget, retries,
/// fallback, ledger). Everything that can be known before queueing is checked at POST time and refused with 422:
/// the operation, the fields it needs, the assets it names, and whether any configured provider can serve it.
/// </summary>
public sealed class GenerateKind(IEnumerable<IGenerativeProvider> providers, IOptions<GenerationOptions> routing,
    IOptions<GenerateOptions> options, IDbContextFactory<LikenessDb> dbFactory) : IJobKind
{
    public const string Name = "generate";
    public string Kind => Name;
    public IReadOnlyList<string> Steps { get; } = ["generate"];
    public int InvalidInputStatus => 422;

    public async Task<string?> ValidateAsync(JsonElement input, JobOwner owner, CancellationToken ct)
    {
        var operations = string.Join(", ", GenerateInput.Operations.Keys);
        GenerateInput? parsed;
        try { parsed = input.Deserialize<GenerateInput>(Json.Options); }
        catch (JsonException e) { return $"is not a generate input ({{\"operation\": {operations}, \"prompt\", \"imageAssetId\", ...}}): {ProblemExceptionHandler.Describe(e)}"; }
        if (parsed is null) return "is empty.";
        if (!GenerateInput.Operations.ContainsKey(parsed.Operation)) return $"`operation` '{parsed.Operation}' is not known; use one of {operations}.";
        if (parsed.MissingFields() is { Count: > 0 } missing) return $"`{parsed.Operation}` needs {string.Join(", ", missing.Select(f => $"`{f}`"))}.";
        if (parsed.TrainingZipUrl is { } zip && !(Uri.TryCreate(zip, UriKind.Absolute, out var zipUri) && zipUri.Scheme == Uri.UriSchemeHttps))
            return "`trainingZipUrl` must be an https URL the provider can download.";
        if (parsed.Loras?.FirstOrDefault(l => !Uri.TryCreate(l.Path, UriKind.Absolute, out var u) || u.Scheme != Uri.UriSchemeHttps) is { } lora)
            return $"`loras` path '{lora.Path}' must be an https URL of a .safetensors file.";
        if (parsed.LoraScale is < 0 or > 2) return "`loraScale` must be 0..2.";
        if (parsed.IdentityId is { } identity)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            if (!await db.Identities.AnyAsync(i => i.Id == identity && i.OwnerId == owner.UserId, ct)) return $"`identityId` {identity} does not exist for this user.";
        }
        if (parsed.DeadlineSeconds is { } seconds && (seconds < 10 || seconds > options.Value.MaxDeadline.TotalSeconds))
            return $"`deadlineSeconds` must be 10..{options.Value.MaxDeadline.TotalSeconds:0}.";
        if (await AssetProblemAsync(parsed, owner, ct) is { } assetProblem) return assetProblem;

        var placeholder = MediaInput.FromBytes([1]);
        var request = parsed.ToRequest(_ => placeholder, parsed.TrainingZipUrl ?? (parsed.TrainingAssetIds is { Count: > 0 } ? "data:" : null));
        if (GenerationRequestValidator.Problem(request) is { } problem) return $"{problem} (`width`/`height` 64..4096, `imageCount` 1..8).";
        return RouteProblem(request, parsed);
    }

    Task<string?> AssetProblemAsync(GenerateInput input, JobOwner owner, CancellationToken ct) =>
        OwnedAssets.ProblemAsync(dbFactory, owner.UserId, input.AssetReferences().Select(r => new AssetReference(r.Field, r.Id, r.Image)).ToList(), ct);

    /// <summary>Null when some configured provider can serve the request; else which keys to set.</summary>
    string? RouteProblem(GenerationRequest request, GenerateInput input)
    {
        var all = providers.ToList();
        var keys = string.Join("; ", ProviderConfiguration.KeyVariables.Select(k => $"{k.Key}: {string.Join(" or ", k.Value)} (or Likeness:Providers:{k.Key}:ApiKey)"));
        if (!all.Any(p => p.IsConfigured))
            return $"no cloud provider is configured on this server, and `{input.Operation}` needs one. Set a key: {keys}. See docs/providers.md; the local engine (job kind `compose`) works without keys.";
        if (input.Route is { Length: > 0 } pinned && !all.Any(p => p.Name.Equals(pinned.Split(':')[0], StringComparison.OrdinalIgnoreCase)))
            return $"`route` '{pinned}' names no provider; use one of {string.Join(", ", all.Select(p => p.Name))} (optionally 'provider:model').";
        var routes = RoutePlanner.Plan(request, all, routing.Value);
        if (routes.Any(r => r.Provider.IsConfigured && r.Provider.Supports(request.Operation, r.Model) && r.Provider.Limitation(request, r.Model) is null)) return null;
        var reasons = routes.Select(r => $"{r}: " + (!r.Provider.IsConfigured ? $"not configured ({r.Provider.ConfigurationHint})"
            : r.Provider.Limitation(request, r.Model) ?? $"{r.Provider.DisplayName} does not offer it with '{r.Model}'")).ToList();
        return reasons.Count == 0
            ? $"no provider offers `{input.Operation}` by default; configure a model for it (docs/providers.md, e.g. Likeness:Providers:Replicate:Models:{request.Operation}:0)."
            : $"no configured provider can run this `{input.Operation}`: {string.Join("; ", reasons)}.";
    }

    internal static GenerateInput Parse(JsonElement input) =>
        input.Deserialize<GenerateInput>(Json.Options) ?? throw new PermanentJobException("The job input is empty.");
}
