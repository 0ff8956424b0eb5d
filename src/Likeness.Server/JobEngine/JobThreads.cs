using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace Likeness.Server.JobEngine;

/// <summary>
/// The threads job steps run on, scheduled by the OS below the API's request threads (Linux: a nice value per thread,
/// <see cref="JobOptions.StepNice"/>). A server that also runs jobs gave them the same share of the cores as requests:
/// on 2 cores, two compose jobs stretched POST /compose's p99 to 0.2-0.6 s. Steps are started here as tasks of this
/// scheduler, so their awaits come back here and the engine's parallel row loops (which use the current scheduler) stay
/// below requests too. ONNX Runtime's own threads (ISNet's) inherit the nice value of the thread that created the shared
/// session: below requests when a job created it, level with them when a request (a compose preview) did.
/// </summary>
public sealed partial class JobThreads : TaskScheduler, IDisposable
{
    readonly BlockingCollection<Task> queue = new();
    readonly Thread[] threads;
    [ThreadStatic] static bool onJobThread;

    public JobThreads(IOptions<JobOptions> options, ILogger<JobThreads> log)
    {
        var nice = Math.Clamp(options.Value.StepNice, 0, 19);
        // Enough for every running job plus the row loops of one of them, so a blocking wait never starves the rest.
        var count = Math.Max(1, options.Value.Concurrency) + Environment.ProcessorCount;
        threads = Enumerable.Range(0, count).Select(i => new Thread(() => Work(nice, log)) { IsBackground = true, Name = $"job {i}" }).ToArray();
        foreach (var thread in threads) thread.Start();
    }

    /// <summary>
    /// Runs <paramref name="work"/> (and what it awaits without ConfigureAwait(false)) on these threads. The caller goes on
    /// on the thread pool: continuing inline on the job thread that finished would take the engine's own bookkeeping (its
    /// SQLite writes, which requests wait for) below request priority too.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken ct) =>
        await Task.Factory.StartNew(work, ct, TaskCreationOptions.DenyChildAttach, this).Unwrap().ConfigureAwait(ConfigureAwaitOptions.ForceYielding);

    void Work(int nice, ILogger log)
    {
        onJobThread = true;
        if (nice > 0 && OperatingSystem.IsLinux() && SetPriority(0, 0, nice) != 0)
            log.LogDebug("Could not lower a job thread's priority (errno {Errno}); jobs share the cores equally with requests", Marshal.GetLastPInvokeError());
        foreach (var task in queue.GetConsumingEnumerable()) TryExecuteTask(task);
    }

    protected override void QueueTask(Task task)
    {
        try { queue.Add(task); }
        // Disposed while the host stops: a step still finishing (or being canceled) goes on on the thread pool.
        catch (InvalidOperationException) { ThreadPool.UnsafeQueueUserWorkItem(t => TryExecuteTask(t), task, preferLocal: false); }
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => onJobThread && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => queue.ToArray();

    public override int MaximumConcurrencyLevel => threads.Length;

    public void Dispose() => queue.CompleteAdding();

    // PRIO_PROCESS with who = 0 is the calling thread on Linux (each thread is its own task there).
    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);
}
