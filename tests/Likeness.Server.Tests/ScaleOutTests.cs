using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Likeness.Server.Blobs;
using Likeness.Server.Data;
using Likeness.Server.JobEngine;
using Likeness.Server.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Likeness.Server.Tests;

/// <summary>
/// Several machines' worth of processes on one box: an API node (`serve --no-worker`) and three `likeness worker`
/// processes on a throwaway PostgreSQL, blobs in a real S3-API server (s3rver). One worker is killed with SIGKILL
/// mid-batch and another started; every job must end succeeded exactly once. PostgreSQL pass only.
/// </summary>
public sealed class ScaleOutTests(ITestOutputHelper output) : IAsyncLifetime
{
    const int Jobs = 200;
    readonly string data = Path.Combine(Path.GetTempPath(), "likeness-tests", "scale-" + Guid.NewGuid().ToString("N"));
    TestDatabase database = null!;

    public async Task InitializeAsync() => database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        try { Directory.Delete(data, recursive: true); } catch (IOException) { }
    }

    [SkippableFact, Trait("Database", "PostgreSQL")]
    public async Task Killing_a_worker_mid_batch_loses_nothing_and_runs_every_job_exactly_once()
    {
        Assert.True(database.Options.Provider == DatabaseProvider.Postgres, "this test runs in the PostgreSQL pass (LIKENESS_TEST_POSTGRES)");
        TestPhotos.SharedModels();
        await using var s3 = await S3Server.StartAsync();
        var hooks = new ConcurrentQueue<(Guid Delivery, Guid Job, string Status)>();
        await using var receiver = await StartReceiverAsync(hooks);
        var environment = new Dictionary<string, string>(s3.ProcessEnvironment())
        {
            ["Likeness__Webhooks__Url__AllowHttp"] = "true",
            ["Likeness__Webhooks__Url__AllowPrivateNetworks"] = "true",
            ["Likeness__Webhooks__PollInterval"] = "00:00:00.200",
        };

        await using var api = await ServerProcess.StartAsync(data, database, environment, "serve --no-worker");
        var token = api.PrintedToken ?? throw new InvalidOperationException(api.Output);
        var client = api.Client(token);
        var workers = new List<ServerProcess>();
        try
        {
            for (var i = 0; i < 3; i++) workers.Add(await ServerProcess.StartAsync(data, database, environment, "worker --concurrency 1"));

            var person = (await client.UploadAsset(TestPhotos.Sample("astronaut.png"), type: "HEADSHOT", name: "astronaut.png")).Id();
            var scene = (await client.UploadAsset(TestPhotos.Sample("rocket.jpg"), type: "BACKGROUND", name: "rocket.jpg")).Id();
            var clock = Stopwatch.StartNew();
            var ids = new List<Guid>();
            for (var i = 0; i < Jobs; i++)
            {
                var body = new
                {
                    kind = "compose",
                    input = new { personAssetId = person, sceneAssetId = scene, matting = "fast" },
                    webhook = new { url = receiver.Url, secret = "scale-out-test-secret-0123" },
                };
                ids.Add((await (await client.PostJson("/jobs", body)).Json(HttpStatusCode.Accepted)).Id());
            }
            output.WriteLine($"enqueued {Jobs} jobs in {clock.Elapsed.TotalSeconds:0.0} s");

            // Kill the first worker while it is in the middle of a job (it holds a lease), a third of the way in.
            await using (var db = Db())
            {
                await WaitUntilAsync(async () => await db.Jobs.CountAsync(j => j.Status == Likeness.Jobs.JobStatus.Succeeded) >= Jobs / 3, TimeSpan.FromMinutes(10), "a third of the jobs");
                var victim = workers[0];
                await WaitUntilAsync(async () => await db.Jobs.AnyAsync(j => j.LeaseOwner != null && j.LeaseOwner.Contains($"/{victim.Id}/")), TimeSpan.FromMinutes(1), "the victim to hold a job");
                await victim.KillAsync();
                output.WriteLine($"killed worker pid {victim.Id} at {clock.Elapsed.TotalSeconds:0.0} s");
                workers.Add(await ServerProcess.StartAsync(data, database, environment, "worker --concurrency 1"));
            }

            await using (var db = Db())
                await WaitUntilAsync(async () => await db.Jobs.CountAsync(j => ids.Contains(j.Id) && (j.Status == Likeness.Jobs.JobStatus.Succeeded || j.Status == Likeness.Jobs.JobStatus.Failed || j.Status == Likeness.Jobs.JobStatus.Canceled)) == Jobs,
                    TimeSpan.FromMinutes(15), "every job to end");
            output.WriteLine($"all {Jobs} ended at {clock.Elapsed.TotalSeconds:0.0} s");
            await WaitUntilAsync(() => Task.FromResult(hooks.Select(h => h.Job).Distinct().Count() >= Jobs), TimeSpan.FromMinutes(1), "a webhook per job");
            await Task.Delay(1500);   // a duplicate delivery would arrive within this

            await using (var db = Db())
            {
                var jobs = await db.Jobs.Include(j => j.Steps).Where(j => ids.Contains(j.Id)).ToListAsync();
                Assert.All(jobs, j => Assert.True(j.Status == Likeness.Jobs.JobStatus.Succeeded, $"job {j.Id}: {j.Status} {j.Error}"));
                Assert.All(jobs, j => Assert.Null(j.LeaseOwner));   // released at the end, nothing stuck

                // Exactly one result asset per job, however often its step ran.
                var assets = await db.Assets.Where(a => a.SourceJobId != null && ids.Contains(a.SourceJobId.Value)).GroupBy(a => a.SourceJobId).Select(g => g.Count()).ToListAsync();
                Assert.Equal(Jobs, assets.Count);
                Assert.All(assets, n => Assert.Equal(1, n));
                // Exactly one webhook delivery row per job, and the receiver saw one delivery id per job.
                var deliveries = await db.WebhookDeliveries.Where(d => ids.Contains(d.JobId)).GroupBy(d => d.JobId).Select(g => g.Count()).ToListAsync();
                Assert.Equal(Jobs, deliveries.Count);
                Assert.All(deliveries, n => Assert.Equal(1, n));
                var received = hooks.ToList();
                Assert.All(received.GroupBy(h => h.Job), g => Assert.Single(g.Select(h => h.Delivery).Distinct()));
                Assert.All(received, h => Assert.Equal("succeeded", h.Status));
                Assert.Equal(ids.Order(), received.Select(h => h.Job).Distinct().Order());

                // The killed worker's job was taken over: its interrupted attempt is on record and the step ran again.
                var takenOver = await db.JobStepAttempts.Where(a => ids.Contains(a.JobId) && a.Error != null && a.Error.Contains("lease expired")).Select(a => a.JobId).ToListAsync();
                Assert.NotEmpty(takenOver);
                output.WriteLine($"taken over after the kill: {takenOver.Count} job(s); webhook calls {received.Count} for {Jobs} jobs");

                // Every result's bytes are in the S3 bucket, none on the local disk.
                using var store = new S3BlobStore(s3.Options());
                var inBucket = await store.ListAsync(CancellationToken.None).ToHashSetAsync();
                var resultBlobs = await db.Assets.Where(a => a.SourceJobId != null && ids.Contains(a.SourceJobId.Value)).Select(a => a.BlobSha256).Distinct().ToListAsync();
                Assert.All(resultBlobs, sha => Assert.Contains(sha, inBucket));
                Assert.False(Directory.Exists(Path.Combine(data, "blobs")) && Directory.EnumerateFiles(Path.Combine(data, "blobs"), "*", SearchOption.AllDirectories).Any());
            }
            // Results are served by the API node from the shared store.
            await using (var db = Db())
            {
                var last = ids[^1];
                var one = await db.Assets.FirstAsync(a => a.SourceJobId == last);
                var bytes = await client.GetByteArrayAsync($"/assets/{one.Id}/content");
                Assert.Equal(one.Size, bytes.Length);
            }
        }
        finally
        {
            foreach (var w in workers) await w.DisposeAsync();
        }
    }

    LikenessDb Db() => new(new DbContextOptionsBuilder<LikenessDb>().UseNpgsql(database.Options.ConnectionString).Options);

    static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(250);
        }
    }

    sealed class Receiver(WebApplication app, string url) : IAsyncDisposable
    {
        public string Url => url;
        public ValueTask DisposeAsync() => app.DisposeAsync();
    }

    static async Task<Receiver> StartReceiverAsync(ConcurrentQueue<(Guid, Guid, string)> hooks)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            var body = JsonDocument.Parse(await new StreamReader(request.Body).ReadToEndAsync()).RootElement;
            var job = body.GetProperty("job");
            hooks.Enqueue((Guid.Parse(request.Headers[WebhookDispatcher.DeliveryHeader].ToString()), job.GetProperty("id").GetGuid(), job.GetProperty("status").GetString()!));
            return Results.Ok();
        });
        await app.StartAsync();
        return new Receiver(app, app.Urls.First() + "/hook");
    }
}
