using System.Collections.Concurrent;

namespace Likeness.Server.JobEngine;

/// <summary>Wakes Server-Sent Events streams when a job's events were written (they also poll, for other processes).</summary>
public sealed class JobNotifier
{
    readonly ConcurrentDictionary<Guid, TaskCompletionSource> waiters = new();

    public Task WaitAsync(Guid jobId) =>
        waiters.GetOrAdd(jobId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Notify(Guid jobId)
    {
        if (waiters.TryRemove(jobId, out var tcs)) tcs.TrySetResult();
    }
}

/// <summary>Cancellation sources of the jobs running in this process, so `POST /jobs/{id}/cancel` reaches running work.</summary>
public sealed class JobCancellations
{
    readonly ConcurrentDictionary<Guid, CancellationTokenSource> running = new();

    public IDisposable Register(Guid jobId, CancellationTokenSource cts)
    {
        running[jobId] = cts;
        return new Registration(() => running.TryRemove(new KeyValuePair<Guid, CancellationTokenSource>(jobId, cts)));
    }

    public bool TryCancel(Guid jobId)
    {
        if (!running.TryGetValue(jobId, out var cts)) return false;
        try { cts.Cancel(); } catch (ObjectDisposedException) { return false; }
        return true;
    }

    sealed class Registration(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
