using System.Text.Json;
using Likeness.Jobs;
using Likeness.Server.Api;
using Likeness.Server.Data;

namespace Likeness.Server.JobEngine;

/// <summary>Event rows are added in the same SaveChanges as the state change they describe, so the log never disagrees with the job.</summary>
public static class JobEvents
{
    public const string JobChanged = "job";
    public const string StepChanged = "step";
    public const string Progress = "progress";

    public static void Job(LikenessDb db, Job job, string? note = null) =>
        Add(db, job.Id, JobChanged, new { jobId = job.Id, status = job.Status, progress = job.Progress, error = job.Error, note });

    public static void Step(LikenessDb db, Job job, JobStep step, string? note = null) =>
        Add(db, job.Id, StepChanged, new
        {
            jobId = job.Id, step = step.Name, index = step.Index, status = step.Status, attempt = step.Attempts,
            progress = step.Progress, error = step.Error, nextAttemptAt = step.NextAttemptAt, note,
        });

    public static void StepProgress(LikenessDb db, Guid jobId, string step, double stepProgress, double jobProgress) =>
        Add(db, jobId, Progress, new { jobId, step, progress = stepProgress, jobProgress });

    public static void JobProgress(LikenessDb db, Job job) =>
        Add(db, job.Id, Progress, new { jobId = job.Id, jobProgress = job.Progress });

    static void Add(LikenessDb db, Guid jobId, string type, object data) =>
        db.JobEvents.Add(new JobEvent { JobId = jobId, Type = type, DataJson = JsonSerializer.Serialize(data, Json.Options), CreatedAt = DateTime.UtcNow });
}
