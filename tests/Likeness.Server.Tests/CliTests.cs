using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Likeness.Server.Tests.Support;
using Npgsql;

namespace Likeness.Server.Tests;

public sealed class CliTests
{
    static async Task<(int Exit, string Out, string Err)> Likeness(string arguments)
    {
        var info = new ProcessStartInfo("dotnet", $"\"{Path.Combine(AppContext.BaseDirectory, "likeness.dll")}\" {arguments}")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Users_create_prints_a_token_that_the_server_accepts_and_refuses_duplicates()
    {
        var data = Path.Combine(Path.GetTempPath(), "likeness-tests", "cli-" + Guid.NewGuid().ToString("N"));
        await using var database = await TestDatabase.CreateAsync();
        try
        {
            var created = await Likeness($"users create carol --data \"{data}\" {database.CliArguments}");
            Assert.Equal(0, created.Exit);
            var token = created.Out.Trim();
            Assert.StartsWith("lk_", token);
            var duplicate = await Likeness($"users create carol --data \"{data}\" {database.CliArguments}");
            Assert.Equal(1, duplicate.Exit);
            Assert.Contains("already exists", duplicate.Err);

            await using var server = await ServerProcess.StartAsync(data, database);
            Assert.Null(server.PrintedToken); // a user exists already: no 'local' user is made
            var client = new HttpClient { BaseAddress = server.BaseAddress, DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/identities")).StatusCode);
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task Postgres_without_a_connection_string_is_refused_with_a_hint()
    {
        var result = await Likeness("serve --db postgres --data /tmp/likeness-never-used");
        Assert.Equal(2, result.Exit);
        Assert.Contains("tools/postgres.sh start", result.Err);
    }

    [Theory]
    [InlineData("worker --data /tmp/likeness-never-used", "likeness worker needs --db postgres")]
    [InlineData("serve --no-worker --data /tmp/likeness-never-used", "--no-worker needs --db postgres")]
    public async Task Split_roles_without_PostgreSQL_are_refused_with_the_reason(string args, string expected)
    {
        var result = await Likeness(args);
        Assert.Equal(2, result.Exit);
        Assert.Contains(expected, result.Err);
    }

    /// <summary>Runs only in the PostgreSQL pass (tools/test.sh filters it out of the SQLite pass): there it must find the server.</summary>
    [Fact, Trait("Database", "PostgreSQL")]
    public async Task PostgreSQL_run_is_configured()
    {
        Assert.True(TestDatabase.PostgresAdmin is not null,
            "LIKENESS_TEST_POSTGRES is unset: run this test only in the PostgreSQL pass (export LIKENESS_TEST_POSTGRES=\"$(tools/postgres.sh start)\"), as tools/test.sh does");
        await using var connection = new NpgsqlConnection(TestDatabase.PostgresAdmin);
        await connection.OpenAsync();
        Assert.True(connection.PostgreSqlVersion.Major >= 13, "DROP DATABASE ... WITH (FORCE) needs PostgreSQL 13+");
    }
}
