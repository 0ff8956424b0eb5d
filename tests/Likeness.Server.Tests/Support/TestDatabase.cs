using Likeness.Server.Data;
using Npgsql;

namespace Likeness.Server.Tests.Support;

/// <summary>
/// The database a test server uses: SQLite in its data folder by default, or a fresh PostgreSQL
/// database when LIKENESS_TEST_POSTGRES holds a connection string (tools/postgres.sh start prints one).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "LIKENESS_TEST_POSTGRES";
    public static string? PostgresAdmin => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } s ? s : null;

    public DatabaseOptions Options { get; }
    readonly string? dropName;

    TestDatabase(DatabaseOptions options, string? dropName) => (Options, this.dropName) = (options, dropName);

    public static async Task<TestDatabase> CreateAsync()
    {
        if (PostgresAdmin is not { } admin) return new TestDatabase(new DatabaseOptions { Provider = DatabaseProvider.Sqlite }, null);
        var name = "lk_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestDatabase(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = builder.ConnectionString }, name);
    }

    public string CliArguments => Options.Provider == DatabaseProvider.Postgres ? $"--db postgres --connection \"{Options.ConnectionString}\"" : "";

    public async ValueTask DisposeAsync()
    {
        if (dropName is null) return;
        // A stopped server's last pooled or listening connections may still be closing: FORCE ends them, but one that
        // connects during the drop makes it fail (55006); try again shortly, and say so if it never succeeds.
        for (var attempt = 1; ; attempt++)
        {
            NpgsqlConnection.ClearAllPools();
            try
            {
                await using var connection = new NpgsqlConnection(PostgresAdmin);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {dropName} WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (attempt < 10)
            {
                Console.Error.WriteLine($"dropping test database {dropName} failed ({e.SqlState}: {e.MessageText}); retrying");
                await Task.Delay(300);
            }
        }
    }
}
