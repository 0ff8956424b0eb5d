using Likeness.Jobs;
using Likeness.Server.Data;
using Npgsql;

namespace Likeness.Server.JobEngine;

/// <summary>
/// The job queue when several processes share one PostgreSQL database: the Jobs table itself. Dequeue claims a job
/// through <see cref="JobLeases"/>; enqueue sends NOTIFY so idle workers on every machine wake at once (LISTEN), and
/// workers also poll, so a lost notification or an expired lease is picked up within <see cref="JobOptions.PollInterval"/>.
/// </summary>
public sealed class SharedJobQueue(JobLeases leases, DatabaseOptions database, Microsoft.Extensions.Options.IOptions<JobOptions> options, ILogger<SharedJobQueue> log)
    : IJobQueue, IAsyncDisposable
{
    const string Channel = "likeness_jobs";
    readonly string connectionString = database.ConnectionString ?? throw new InvalidOperationException("The shared job queue needs the PostgreSQL connection string.");
    readonly CancellationTokenSource stop = new();
    TaskCompletionSource wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    Task? listening;
    readonly Lock gate = new();

    public async ValueTask EnqueueAsync(Guid jobId, CancellationToken cancellationToken = default)
    {
        Pulse();
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"NOTIFY {Channel}", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            log.LogWarning(e, "Could not NOTIFY the workers about job {Job}; they find it by polling", jobId);
        }
    }

    public async ValueTask<Guid> DequeueAsync(CancellationToken cancellationToken)
    {
        EnsureListening();
        while (true)
        {
            Task woken;
            lock (gate) woken = wake.Task;
            try
            {
                if (await leases.TryClaimNextAsync(cancellationToken) is { } id) return id;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
            {
                log.LogWarning(e, "Could not claim a job from the database; trying again");
            }
            await Task.WhenAny(woken, Task.Delay(options.Value.PollInterval, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    void Pulse()
    {
        TaskCompletionSource old;
        lock (gate) (old, wake) = (wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        old.TrySetResult();
    }

    void EnsureListening()
    {
        lock (gate) listening ??= Task.Run(() => ListenAsync(stop.Token));
    }

    async Task ListenAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(ct);
                connection.Notification += (_, _) => Pulse();
                await using (var command = new NpgsqlCommand($"LISTEN {Channel}", connection)) await command.ExecuteNonQueryAsync(ct);
                while (!ct.IsCancellationRequested) await connection.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogWarning(e, "The LISTEN connection for job notifications dropped; reconnecting (workers keep polling meanwhile)");
                try { await Task.Delay(TimeSpan.FromSeconds(2), ct); } catch (OperationCanceledException) { return; }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (listening is not null) try { await listening; } catch (OperationCanceledException) { }
        stop.Dispose();
    }
}

/// <summary>Renews this process's job leases; cancels work whose lease was lost or whose job was asked to cancel (from any node).</summary>
public sealed class JobLeaseHeartbeat(JobLeases leases, JobCancellations cancellations, Microsoft.Extensions.Options.IOptions<JobOptions> options, ILogger<JobLeaseHeartbeat> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var every = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(200).Ticks, options.Value.LeaseTime.Ticks / 3));
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var renewal = await leases.RenewAllAsync(stopping);
                foreach (var id in renewal.Lost)
                {
                    log.LogWarning("Lost the lease on job {Job} (this worker stalled longer than the lease); another worker takes it over", id);
                    cancellations.TryCancel(id);
                }
                foreach (var id in renewal.CancelRequested) cancellations.TryCancel(id);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogWarning(e, "Could not renew job leases; retrying"); }
            try { await Task.Delay(every, stopping); } catch (OperationCanceledException) { return; }
        }
    }
}
