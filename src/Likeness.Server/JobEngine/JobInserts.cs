using System.Threading.Channels;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.JobEngine;

/// <summary>
/// Group commit for new jobs: the requests that arrive while a save runs are written together in the next transaction.
/// On SQLite every write holds the one write lock (<see cref="SqliteWriteGate"/>); one transaction per request made 16
/// clients queue behind each other's BEGIN..COMMIT, and a holder preempted by running jobs stretched the whole queue
/// (POST /compose p99 0.2-0.6 s on 2 cores). When a combined save fails, each request is saved alone, so only the one at
/// fault (an Idempotency-Key race) sees the error.
/// </summary>
public sealed class JobInserts(IDbContextFactory<LikenessDb> dbFactory, ILogger<JobInserts> log)
{
    const int MaxRequestsPerSave = 64;

    sealed record Pending(IReadOnlyList<Job> Jobs, Job Top, TaskCompletionSource Saved);

    readonly Channel<Pending> pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    int started;

    /// <summary>Saves the jobs (with their steps) and a `created` event for <paramref name="top"/>; throws what saving them alone would.</summary>
    public Task SaveAsync(IReadOnlyList<Job> jobs, Job top)
    {
        var request = new Pending(jobs, top, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!pending.Writer.TryWrite(request)) throw new InvalidOperationException("The job writer has stopped.");
        if (Interlocked.Exchange(ref started, 1) == 0) _ = Task.Run(WriteAsync);
        // Not cut short by a canceled request: once handed over the jobs may be saved, and the caller must then still
        // put them on the queue, or they would sit `queued` until the next start.
        return request.Saved.Task;
    }

    async Task WriteAsync()
    {
        var batch = new List<Pending>(MaxRequestsPerSave);
        while (await pending.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxRequestsPerSave && pending.Reader.TryRead(out var next)) batch.Add(next);
            try
            {
                await SaveTogetherAsync(dbFactory, batch);
                foreach (var request in batch) request.Saved.TrySetResult();
            }
            catch (Exception e) when (batch.Count > 1)
            {
                log.LogDebug(e, "Saving {Count} new jobs together failed; saving them one by one", batch.Count);
                foreach (var request in batch) await SaveAloneAsync(dbFactory, request);
            }
            catch (Exception e)
            {
                batch[0].Saved.TrySetException(e);
            }
        }
    }

    static async Task SaveTogetherAsync(IDbContextFactory<LikenessDb> factory, IReadOnlyList<Pending> batch)
    {
        await using var db = await factory.CreateDbContextAsync();
        foreach (var request in batch) Add(db, request);
        await db.SaveChangesAsync();
    }

    static async Task SaveAloneAsync(IDbContextFactory<LikenessDb> factory, Pending request)
    {
        try
        {
            await SaveTogetherAsync(factory, [request]);
            request.Saved.TrySetResult();
        }
        catch (Exception e) { request.Saved.TrySetException(e); }
    }

    static void Add(LikenessDb db, Pending request)
    {
        db.Jobs.AddRange(request.Jobs);
        JobEvents.Job(db, request.Top, "created");
    }
}
