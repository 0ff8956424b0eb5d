namespace Likeness.Jobs;

/// <summary>
/// Hands job ids to workers. The database stays the source of truth: a queue may lose
/// messages on a crash and start-up recovery re-enqueues unfinished jobs. The in-process
/// implementation serves one server; a broker-backed one comes with scale-out.
/// </summary>
public interface IJobQueue
{
    ValueTask EnqueueAsync(Guid jobId, CancellationToken cancellationToken = default);
    ValueTask<Guid> DequeueAsync(CancellationToken cancellationToken);
}
