namespace Likeness.Server.Data;

public enum DatabaseProvider { Sqlite, Postgres }

public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Connection string; for SQLite defaults to likeness.db in the data folder.</summary>
    public string? ConnectionString { get; set; }
}
