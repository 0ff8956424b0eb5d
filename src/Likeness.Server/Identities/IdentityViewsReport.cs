using System.Text.Json;
using Likeness.Jobs;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Identities;

/// <summary>What the views job said about each view it made (the render step's report), for the views list.</summary>
public sealed record ViewOrigin(double? Yaw, string? SourcePhoto, bool Generated, double? Similarity, string? SubjectSide);

/// <param name="Yaw">Head yaw in degrees measured on the view; null when the job that made it is gone.</param>
/// <param name="SourcePhoto">The reference photo the view was made from; null for a generated view.</param>
public sealed record ViewDetailDto(Guid Id, string Angle, string MediaType, int Width, int Height, DateTime CreatedAt,
    double? Yaw, string? SourcePhoto, bool Generated, double? Similarity, string? SubjectSide)
{
    public static ViewDetailDto From(IdentityView v, ViewOrigin? o) =>
        new(v.Id, v.Angle, v.MediaType, v.Width, v.Height, v.CreatedAt, o?.Yaw, o?.SourcePhoto, o?.Generated ?? false, o?.Similarity, o?.SubjectSide);
}

public static class IdentityViewsReport
{
    /// <summary>The render step's report of the newest succeeded `identity-views` job of this identity, with that job's id.</summary>
    public static async Task<(Guid JobId, string Output)?> LatestReportAsync(LikenessDb db, Identity identity, CancellationToken ct)
    {
        var idText = identity.Id.ToString();
        var jobId = await db.Jobs.AsNoTracking()
            .Where(j => j.OwnerId == identity.OwnerId && j.Kind == IdentityViewsKind.Name && j.Status == JobStatus.Succeeded && j.InputJson.Contains(idText))
            .OrderByDescending(j => j.FinishedAt).Select(j => (Guid?)j.Id).FirstOrDefaultAsync(ct);
        if (jobId is null) return null;
        var output = await db.JobSteps.AsNoTracking().Where(s => s.JobId == jobId && s.Name == "render").Select(s => s.OutputJson).FirstOrDefaultAsync(ct);
        return output is null ? null : (jobId.Value, output);
    }

    /// <summary>The views of the newest succeeded `identity-views` job of this identity, by angle.</summary>
    public static async Task<Dictionary<string, ViewOrigin>> LatestAsync(LikenessDb db, Identity identity, CancellationToken ct)
    {
        var origins = new Dictionary<string, ViewOrigin>(StringComparer.OrdinalIgnoreCase);
        if (await LatestReportAsync(db, identity, ct) is not { Output: var output }) return origins;
        using var doc = JsonDocument.Parse(output);
        if (!doc.RootElement.TryGetProperty("views", out var views)) return origins;
        foreach (var v in views.EnumerateArray())
        {
            if (v.TryGetProperty("missing", out var missing) && missing.ValueKind == JsonValueKind.True) continue;
            if (Text(v, "angle") is not { } angle) continue;
            origins[angle] = new ViewOrigin(Number(v, "yaw"), Text(v, "sourcePhoto"),
                v.TryGetProperty("generated", out var g) && g.ValueKind is not (JsonValueKind.False or JsonValueKind.Null),
                Number(v, "similarity"), Text(v, "subjectSide"));
        }
        return origins;
    }

    static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
    static double? Number(JsonElement e, string name) => e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number ? Math.Round(p.GetDouble(), 3) : null;
}
