using Likeness.Server.Data;
using Npgsql;

namespace Likeness.Server.Tests;

public sealed class DatabaseSetupTests
{
    [Fact]
    public void PostgreSQL_connections_prepare_repeated_statements_unless_the_connection_string_says_otherwise()
    {
        var tuned = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithAutoPrepare("Host=127.0.0.1;Database=likeness;Username=u;Password=p"));
        Assert.Equal(32, tuned.MaxAutoPrepare);
        Assert.Equal(2, tuned.AutoPrepareMinUsages);
        Assert.Equal("likeness", tuned.Database);

        var pgBouncer = "Host=127.0.0.1;Database=likeness;Username=u;Password=p;Max Auto Prepare=0";
        Assert.Equal(pgBouncer, DatabaseSetup.WithAutoPrepare(pgBouncer));
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(DatabaseSetup.WithAutoPrepare(pgBouncer)).MaxAutoPrepare);
    }
}
