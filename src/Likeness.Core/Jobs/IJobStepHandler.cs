namespace Likeness.Jobs;

/// <summary>
/// One named step of a job kind. The job engine owns persistence, retries and cancellation;
/// a handler only does the work and reports progress. Handlers must be safe to run again
/// (a step interrupted by a crash is re-run from its start).
/// </summary>
public interface IJobStepHandler
{
    /// <summary>The job kind this step belongs to, e.g. "duplicate".</summary>
    string Kind { get; }

    /// <summary>The step name, unique within the kind, e.g. "verify".</summary>
    string Name { get; }

    Task<JobStepResult> ExecuteAsync(JobStepContext context, CancellationToken cancellationToken);
}

/// <summary>Declares a job kind: its ordered steps and how to validate its input before anything is queued.</summary>
public interface IJobKind
{
    string Kind { get; }

    /// <summary>Step names in execution order; each must have a registered <see cref="IJobStepHandler"/>.</summary>
    IReadOnlyList<string> Steps { get; }

    /// <summary>Returns a clear message when the input cannot run, or null when it is acceptable.</summary>
    Task<string?> ValidateAsync(System.Text.Json.JsonElement input, JobOwner owner, CancellationToken cancellationToken);

    /// <summary>HTTP status for a rejected input: 400 by default; 422 for kinds whose refusals depend on server state (assets, providers).</summary>
    int InvalidInputStatus => 400;

    /// <summary>
    /// Called when a job of this kind ends canceled, before that is saved, to undo state its steps set. A cancel can land
    /// inside a step or between two, so a step's own catch cannot cover it.
    /// </summary>
    Task CanceledAsync(Guid jobId, System.Text.Json.JsonElement input) => Task.CompletedTask;
}

public sealed record JobOwner(Guid UserId);

/// <summary>
/// Thrown by <see cref="IJobKind.ValidateAsync"/> when a well-formed input names something this server does not have for
/// the caller (an asset, an identity): answered 422, while a malformed input is the kind's <see cref="IJobKind.InvalidInputStatus"/>.
/// </summary>
public sealed class UnknownReferenceException(string message) : Exception(message);

/// <summary>Thrown by a step when retrying cannot help (bad input, missing data); the step fails at once.</summary>
public sealed class PermanentJobException(string message) : Exception(message);
