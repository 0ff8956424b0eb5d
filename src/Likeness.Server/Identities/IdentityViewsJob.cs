using System.Text.Json;
using Likeness.Jobs;
using Likeness.Pipelines.Views;
using Likeness.Server.Api;
using Likeness.Server.Data;
using Likeness.Vision.Matting;
using Microsoft.EntityFrameworkCore;
using Likeness.Server.Generation;

namespace Likeness.Server.Identities;

/// <summary>
/// `identity-views`: from an identity's accepted photos, `analyse` embeds every face, leaves out photos of someone
/// else and requires a front photo; `render` runs the views pipeline and stores the views, the contact sheet and the
/// embedding template in one transaction. The identity is `preparing` while it runs, then `ready` or `error` with the reason.
/// </summary>
public sealed record IdentityViewsInput(Guid IdentityId, string? Matting = null, string? Generate = null, string? Route = null, int? Attempts = null)
{
    public GenerateViews GenerateMode => Enum.TryParse<GenerateViews>(Generate, ignoreCase: true, out var mode) ? mode : GenerateViews.None;
}

public sealed class IdentityViewsKind(IDbContextFactory<LikenessDb> dbFactory, IEnumerable<Likeness.Providers.IGenerativeProvider> providers) : IJobKind
{
    public const string Name = "identity-views";
    public string Kind => Name;
    public IReadOnlyList<string> Steps { get; } = ["analyse", "render"];

    public async Task<string?> ValidateAsync(JsonElement input, JobOwner owner, CancellationToken ct)
    {
        IdentityViewsInput? parsed;
        try { parsed = input.Deserialize<IdentityViewsInput>(Json.Options); }
        catch (JsonException e) { return $"is not an identity-views input ({{\"identityId\", \"matting\"?}}): {ProblemExceptionHandler.Describe(e)}"; }
        if (parsed is null || parsed.IdentityId == Guid.Empty) return "needs `identityId`.";
        if (MattingProblem(parsed.Matting) is { } matting) return matting;
        if (GenerationProblem(parsed, providers) is { } generation) return generation;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Identities.AnyAsync(i => i.Id == parsed.IdentityId && i.OwnerId == owner.UserId, ct))
            return $"identity {parsed.IdentityId} does not exist for this user.";
        return await PhotoProblemAsync(db, parsed.IdentityId, ct);
    }

    public static string? MattingProblem(string? matting) =>
        matting is { } m && !MattingModels.Names.Contains(m.Trim().ToLowerInvariant())
            ? $"matting '{m}' is not known; use one of {string.Join(", ", MattingModels.Names)} ('fast' is quicker, 'quality' has cleaner hair edges)."
            : null;

    /// <summary>`generate` must be none/missing/all, `attempts` 1..10, and generating needs a configured provider.</summary>
    public static string? GenerationProblem(IdentityViewsInput input, IEnumerable<Likeness.Providers.IGenerativeProvider> providers)
    {
        if (input.Generate is { } g && !Enum.TryParse<GenerateViews>(g, ignoreCase: true, out _))
            return $"`generate` '{g}' is not known; use none, missing (the views the photos do not cover) or all.";
        if (input.Attempts is < 1 or > 10) return "`attempts` must be 1..10 (each attempt is a paid provider call).";
        return input.GenerateMode == GenerateViews.None ? null : GatedJobGeneration.NoProviderProblem(providers, "generating views");
    }

    public static async Task<string?> PhotoProblemAsync(LikenessDb db, Guid identityId, CancellationToken ct) =>
        await db.IdentityPhotos.AnyAsync(p => p.IdentityId == identityId && p.CheckPassed, ct)
            ? null
            : $"identity {identityId} has no accepted photos: upload some first (POST /identities/{identityId}/photos; 3-5 clear photos including one looking straight into the camera).";

    internal static IdentityViewsInput Parse(JobStepContext c) =>
        c.Input.Deserialize<IdentityViewsInput>(Json.Options) ?? throw new PermanentJobException("The job input is empty.");

    /// <summary>On cancel (in a step or between the two) the identity goes back to `ready` or `none`, depending on whether earlier views and a template exist.</summary>
    public async Task CanceledAsync(Guid jobId, JsonElement input)
    {
        if (input.Deserialize<IdentityViewsInput>(Json.Options) is not { IdentityId: var identityId }) return;
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var ready = await db.Identities.AnyAsync(i => i.Id == identityId && i.EmbeddingTemplate != null && i.Views.Any(), CancellationToken.None);
        await SetStatusAsync(dbFactory, identityId, ready ? IdentityStatus.Ready : IdentityStatus.None, null, CancellationToken.None);
    }

    /// <summary>
    /// Runs a step's work with the identity's status kept true: `preparing` while it runs, `error` with the reason when it
    /// fails. Cancel is <see cref="CanceledAsync"/>'s.
    /// </summary>
    internal static async Task<T> TrackStatusAsync<T>(IDbContextFactory<LikenessDb> dbFactory, Guid identityId, Func<Task<T>> work, CancellationToken ct)
    {
        await SetStatusAsync(dbFactory, identityId, IdentityStatus.Preparing, "views job running", ct);
        try { return await work(); }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await SetStatusAsync(dbFactory, identityId, IdentityStatus.Error, e.Message, CancellationToken.None);
            throw;
        }
    }

    internal static async Task SetStatusAsync(IDbContextFactory<LikenessDb> dbFactory, Guid identityId, IdentityStatus status, string? reason, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        await db.Identities.Where(i => i.Id == identityId).ExecuteUpdateAsync(i => i
            .SetProperty(x => x.Status, status).SetProperty(x => x.StatusReason, reason).SetProperty(x => x.UpdatedAt, now), ct);
    }
}
