using System.Text.Json;
using Likeness.Jobs;
using Likeness.Server.Data;

namespace Likeness.Server.JobEngine;

/// <param name="Input">The job kind's input (see GET /jobs/kinds).</param>
/// <param name="Items">For a batch: one input per item; each item runs as its own job.</param>
/// <param name="Webhook">Where to POST when the job finishes (HMAC-SHA256 signed with the secret).</param>
public sealed record CreateJobRequest(string Kind, JsonElement? Input = null, List<JsonElement>? Items = null, WebhookRequest? Webhook = null);

public sealed record WebhookRequest(string Url, string Secret);

/// <param name="Output">What the step reported (e.g. the compose report, the views made and the photos left out, or a generate step's provider, attempts and description text).</param>
public sealed record JobStepDto(string Name, JobStatus Status, int Attempts, int MaxAttempts, double Progress, string? Error,
    DateTime? StartedAt, DateTime? FinishedAt, DateTime? NextAttemptAt, Guid[] OutputAssetIds, decimal CostUsd, JsonElement? Output = null);

public sealed record BatchCounts(int Total, int Queued, int Running, int Succeeded, int Failed, int Canceled);

public sealed record JobDto(Guid Id, string Kind, JobStatus Status, double Progress, string? Error, JsonElement Input,
    IReadOnlyList<JobStepDto> Steps, Guid? ParentJobId, int? ItemIndex, BatchCounts? Items, string? IdempotencyKey,
    string? WebhookUrl, DateTime CreatedAt, DateTime? StartedAt, DateTime? FinishedAt)
{
    public static JobDto From(Job j, BatchCounts? items = null) => new(
        j.Id, j.Kind, j.Status, j.Progress, j.Error, Stored(j.InputJson),
        j.Steps.OrderBy(s => s.Index).Select(s => new JobStepDto(s.Name, s.Status, s.Attempts, s.MaxAttempts, s.Progress, s.Error,
            s.StartedAt, s.FinishedAt, s.NextAttemptAt, JsonSerializer.Deserialize<Guid[]>(s.OutputAssetIds) ?? [], s.CostUsd,
            s.OutputJson is null ? null : Stored(s.OutputJson))).ToList(),
        j.ParentJobId, j.ItemIndex, items, j.IdempotencyKey, j.WebhookUrl, j.CreatedAt, j.StartedAt, j.FinishedAt);

    /// <summary>
    /// Stored JSON as it is, or, when a damaged row holds something else, an object that says so: the job (failed with
    /// its reason) must still be readable, not answer 400 for the client's request.
    /// </summary>
    static JsonElement Stored(string json)
    {
        try { return JsonDocument.Parse(json).RootElement.Clone(); }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(new { unreadable = "the stored JSON is damaged", text = json.Length > 200 ? json[..200] : json });
        }
    }
}

public sealed record JobKindDto(string Kind, IReadOnlyList<string> Steps);

public sealed record JobPage(IReadOnlyList<JobDto> Items, int Page, int PageSize, int Total);

public sealed record WebhookDeliveryDto(Guid Id, string Url, string Status, int Attempts, int? LastStatusCode, string? LastError, DateTime? DeliveredAt);
