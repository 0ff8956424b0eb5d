using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Likeness.Server.Data;

/// <summary>
/// Queues this process's writers to one SQLite file in order. SQLite takes one writer at a time; concurrent writers
/// otherwise meet SQLITE_BUSY, which Microsoft.Data.Sqlite retries after sleeping 150 ms, and under load those sleeps
/// stacked into a 0.5-1.3 s enqueue tail. One process owns a SQLite database (several processes need PostgreSQL), so an
/// in-process gate sees every writer: a transaction holds it from BEGIN to COMMIT/ROLLBACK, a write statement outside a
/// transaction for that statement. Readers never wait (WAL).
/// </summary>
public sealed class SqliteWriteGate : IDbTransactionInterceptor, IDbCommandInterceptor, IDbConnectionInterceptor
{
    static readonly ConcurrentDictionary<string, SqliteWriteGate> Gates = new();
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    readonly SemaphoreSlim gate = new(1, 1);
    readonly ConcurrentDictionary<Guid, Holder> holders = new();
    readonly Timer reclaimer;

    // Writers wait once, in arrival order, while a timer frees the gate from abandoned transactions. Waiting in 50 ms
    // slices instead sent a writer whose slice ran out to the back of the queue, so the longest waits grew longest.
    SqliteWriteGate() => reclaimer = new Timer(_ => ReclaimAbandoned(), null, Poll, Poll);

    /// <summary>Who holds the gate; for a transaction, the transaction, so an abandoned one can be noticed.</summary>
    sealed class Holder { public DbTransaction? Transaction; }

    /// <summary>One gate per database file, shared by every context of this process that opens it.</summary>
    public static SqliteWriteGate For(string connectionString) =>
        Gates.GetOrAdd(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource, _ => new SqliteWriteGate());

    async ValueTask EnterAsync(Guid connection, CancellationToken ct)
    {
        if (holders.ContainsKey(connection)) return;
        if (!await gate.WaitAsync(Patience, ct)) throw Stuck();
        holders[connection] = new Holder();
    }

    void Enter(Guid connection)
    {
        if (holders.ContainsKey(connection)) return;
        if (!gate.Wait(Patience)) throw Stuck();
        holders[connection] = new Holder();
    }

    void Leave(Guid connection)
    {
        if (holders.TryRemove(connection, out _)) gate.Release();
    }

    /// <summary>
    /// A transaction disposed without Commit or Rollback (an exception, a canceled request) reports nothing to an
    /// interceptor, but its DbTransaction.Connection turns null: a waiting writer frees the gate from it.
    /// </summary>
    void ReclaimAbandoned()
    {
        foreach (var (id, holder) in holders)
            if (holder.Transaction is { Connection: null } && holders.TryRemove(KeyValuePair.Create(id, holder)))
                gate.Release();
    }

    static TimeoutException Stuck() => new($"Waited {Patience.TotalSeconds:0} s to write to the SQLite database: another write in this process did not finish. " +
        "If this repeats under load, move to PostgreSQL (--db postgres).");

    static bool IsWrite(DbCommand command) =>
        command.Transaction is null && command.CommandText.AsSpan().TrimStart() is var sql
        && (sql.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase) || sql.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
            || sql.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase) || sql.StartsWith("REPLACE", StringComparison.OrdinalIgnoreCase)
            || sql.StartsWith("PRAGMA wal_checkpoint", StringComparison.OrdinalIgnoreCase) || sql.StartsWith("VACUUM", StringComparison.OrdinalIgnoreCase));

    // Transactions: BEGIN .. COMMIT/ROLLBACK (EF's own SaveChanges transactions too).
    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData e,
        InterceptionResult<DbTransaction> result, CancellationToken ct = default)
    {
        await EnterAsync(e.ConnectionId, ct);
        return result;
    }

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData e, InterceptionResult<DbTransaction> result)
    {
        Enter(e.ConnectionId);
        return result;
    }

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData e, DbTransaction result)
    {
        if (holders.TryGetValue(e.ConnectionId, out var holder)) holder.Transaction = result;
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData e, DbTransaction result, CancellationToken ct = default) =>
        ValueTask.FromResult(TransactionStarted(connection, e, result));

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData e) => Leave(e.ConnectionId);
    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData e, CancellationToken ct = default) { Leave(e.ConnectionId); return Task.CompletedTask; }
    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData e) => Leave(e.ConnectionId);
    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData e, CancellationToken ct = default) { Leave(e.ConnectionId); return Task.CompletedTask; }
    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData e) => Leave(e.ConnectionId);
    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData e, CancellationToken ct = default) { Leave(e.ConnectionId); return Task.CompletedTask; }

    // A write statement outside a transaction (ExecuteUpdate/ExecuteDelete, EF's single-statement SaveChanges).
    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData e, InterceptionResult<int> result)
    {
        if (IsWrite(command)) Enter(e.ConnectionId);
        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData e, InterceptionResult<int> result, CancellationToken ct = default)
    {
        if (IsWrite(command)) await EnterAsync(e.ConnectionId, ct);
        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData e, int result)
    {
        if (command.Transaction is null) Leave(e.ConnectionId);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData e, int result, CancellationToken ct = default)
    {
        if (command.Transaction is null) Leave(e.ConnectionId);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData e, InterceptionResult<DbDataReader> result)
    {
        if (IsWrite(command)) Enter(e.ConnectionId);
        return result;
    }

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData e, InterceptionResult<DbDataReader> result, CancellationToken ct = default)
    {
        if (IsWrite(command)) await EnterAsync(e.ConnectionId, ct);
        return result;
    }

    // A RETURNING statement's write finishes when its reader is done.
    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData e, InterceptionResult result)
    {
        if (command.Transaction is null) Leave(e.ConnectionId);
        return result;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData e)
    {
        if (command.Transaction is null) Leave(e.ConnectionId);
    }

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData e, CancellationToken ct = default)
    {
        if (command.Transaction is null) Leave(e.ConnectionId);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData e)
    {
        if (command.Transaction is null) Leave(e.ConnectionId);
    }

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData e, CancellationToken ct = default)
    {
        if (command.Transaction is null) Leave(e.ConnectionId);
        return Task.CompletedTask;
    }

    // A transaction disposed without commit or rollback (an exception) ends with its connection at the latest.
    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData e) => Leave(e.ConnectionId);
    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData e) { Leave(e.ConnectionId); return Task.CompletedTask; }
}
