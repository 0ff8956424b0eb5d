using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Likeness.Server.Tests;

/// <summary>Writers to one SQLite file queue in the process: every kind of write gets through, and a failed transaction
/// does not keep the queue closed.</summary>
public sealed class SqliteWriteGateTests : IAsyncLifetime
{
    readonly string folder = Path.Combine(Path.GetTempPath(), "likeness-gate-" + Guid.NewGuid().ToString("N"));
    ServiceProvider services = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddLikenessDatabase(new DatabaseOptions { Provider = DatabaseProvider.Sqlite }, folder);
        services = collection.BuildServiceProvider();
        await DatabaseSetup.MigrateAsync(services, default);
    }

    LikenessDb Db() => services.GetRequiredService<IDbContextFactory<LikenessDb>>().CreateDbContext();

    [Fact]
    public async Task Parallel_writers_of_every_kind_all_commit_and_a_failed_transaction_releases_the_gate()
    {
        // A transaction that throws before commit: disposed without commit or rollback.
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var db = Db();
            await using var tx = await db.Database.BeginTransactionAsync();
            db.Users.Add(new User { Id = Guid.NewGuid(), Name = "lost", CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
            throw new InvalidOperationException("boom");
        });

        // A transaction abandoned while its context lives on (a canceled request mid-write): the next writer still gets in.
        await using (var kept = Db())
        {
            var tx = await kept.Database.BeginTransactionAsync();
            kept.Users.Add(new User { Id = Guid.NewGuid(), Name = "abandoned", CreatedAt = DateTime.UtcNow });
            await kept.SaveChangesAsync();
            await tx.DisposeAsync();
            var next = Task.Run(async () =>
            {
                await using var other = Db();
                other.Users.Add(new User { Id = Guid.NewGuid(), Name = "after", CreatedAt = DateTime.UtcNow });
                await other.SaveChangesAsync();
            });
            Assert.Same(next, await Task.WhenAny(next, Task.Delay(TimeSpan.FromSeconds(10))));
            await next;
        }

        var writers = Enumerable.Range(0, 60).Select(async i =>
        {
            await using var db = Db();
            switch (i % 3)
            {
                case 0: // EF's own single-statement save
                    db.Users.Add(new User { Id = Guid.NewGuid(), Name = $"u{i}", CreatedAt = DateTime.UtcNow });
                    await db.SaveChangesAsync();
                    break;
                case 1: // an explicit transaction with two saves
                    await using (var tx = await db.Database.BeginTransactionAsync())
                    {
                        db.Users.Add(new User { Id = Guid.NewGuid(), Name = $"u{i}", CreatedAt = DateTime.UtcNow });
                        await db.SaveChangesAsync();
                        db.Users.Add(new User { Id = Guid.NewGuid(), Name = $"u{i}b", CreatedAt = DateTime.UtcNow });
                        await db.SaveChangesAsync();
                        await tx.CommitAsync();
                    }
                    break;
                default: // a bulk update outside a transaction, after an insert
                    db.Users.Add(new User { Id = Guid.NewGuid(), Name = $"u{i}", CreatedAt = DateTime.UtcNow });
                    await db.SaveChangesAsync();
                    await db.Users.Where(u => u.Name == $"u{i}").ExecuteUpdateAsync(s => s.SetProperty(u => u.Name, $"u{i}!"));
                    break;
            }
        });
        // The gate waits up to 30 s before giving up; a gate left closed by the failed transaction would show here.
        var all = Task.WhenAll(writers);
        Assert.Same(all, await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(20))));
        await all;

        await using var check = Db();
        Assert.Equal(81, await check.Users.CountAsync());
        Assert.False(await check.Users.AnyAsync(u => u.Name == "abandoned"));
        Assert.Equal(20, await check.Users.CountAsync(u => u.Name.EndsWith("!")));
        Assert.False(await check.Users.AnyAsync(u => u.Name == "lost"));
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }
}
