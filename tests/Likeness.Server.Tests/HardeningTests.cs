using System.Net;
using Likeness.Server.Data;
using Likeness.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Tests;

/// <summary>Findings of the black-box probe (issue #17) that one shared mechanism now prevents.</summary>
public sealed class HardeningTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("/assets?page=5000000&pageSize=500", "page")]
    [InlineData("/jobs?page=5000000&pageSize=500", "page")]
    [InlineData("/assets?page=0", "page")]
    [InlineData("/jobs?pageSize=0", "pageSize")]
    [InlineData("/assets?pageSize=501", "pageSize")]
    [InlineData("/identities?pageSize=100000", "pageSize")]
    [InlineData("/scenes?page=-1", "page")]
    public async Task Nonsense_paging_is_400_naming_the_field(string url, string field)
    {
        var problem = await (await server.Alice().GetAsync(url)).Problem(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Identities_are_paged_with_a_total()
    {
        var alice = server.Alice();
        for (var i = 0; i < 3; i++) await alice.CreateIdentity($"Paged {i}");
        var response = await alice.GetAsync("/identities?page=2&pageSize=1");
        var page = await response.Json(HttpStatusCode.OK);
        Assert.Equal(1, page.GetArrayLength());
        Assert.True(int.Parse(response.Headers.GetValues("X-Total-Count").Single()) >= 3);
    }

    [Fact]
    public async Task Every_response_says_nosniff()
    {
        var alice = server.Alice();
        var asset = await alice.UploadAsset(TestImages.Png(64, 64, seed: 9), type: "BACKGROUND");
        var download = await alice.GetAsync($"/assets/{asset.Id()}/content");
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        var missing = await alice.GetAsync("/no/such/path");
        Assert.Equal("nosniff", missing.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public void Data_folder_and_database_are_private_to_the_server_user()
    {
        if (OperatingSystem.IsWindows()) return;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(server.DataPath));
        var database = Path.Combine(server.DataPath, "likeness.db");
        if (server.Database.Options.Provider == DatabaseProvider.Sqlite)
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(database));
    }

    [Fact]
    public async Task Sqlite_overwrites_deleted_rows()
    {
        await using var db = server.Db();
        if (!db.Database.IsSqlite()) return; // PostgreSQL: VACUUM is the operator's; see docs/security.md
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA secure_delete;";
        Assert.Equal(1L, (long)(await command.ExecuteScalarAsync())!);
    }
}
