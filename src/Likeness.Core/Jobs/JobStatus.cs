namespace Likeness.Jobs;

/// <summary>Lifecycle of a job and of each of its steps. Stored as lower-case text.</summary>
public enum JobStatus { Queued, Running, Succeeded, Failed, Canceled, Skipped }

public static class JobStatusExtensions
{
    public static bool IsTerminal(this JobStatus status) =>
        status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Canceled or JobStatus.Skipped;
}
