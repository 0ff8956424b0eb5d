using Microsoft.Extensions.DependencyInjection;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Likeness.Server.Tests.Support;

namespace Likeness.Server.Tests;

public sealed class JobTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    static JsonElement Step(JsonElement job, string name) => job.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);

    async Task<Guid> Start(HttpClient client, object body, HttpStatusCode expected = HttpStatusCode.Accepted) =>
        (await (await client.PostJson("/jobs", body)).Json(expected)).Id();

    [Fact]
    public async Task Duplicate_job_verifies_and_copies_an_asset_and_results_zip_holds_it()
    {
        var alice = server.Alice();
        var bytes = TestImages.Png(512, 512, seed: 70);
        var asset = (await alice.UploadAsset(bytes, name: "me.png")).Id();
        var job = await alice.WaitForJob(await Start(alice, new { kind = "duplicate", input = new { assetId = asset, folder = "copies", name = "me-copy.png" } }));
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal(1.0, job.GetProperty("progress").GetDouble());
        var output = Step(job, "copy").GetProperty("outputAssetIds")[0].GetGuid();
        var copy = await (await alice.GetAsync($"/assets/{output}")).Json(HttpStatusCode.OK);
        Assert.Equal("copies", copy.GetProperty("folder").GetString());
        Assert.Equal(bytes, await alice.GetByteArrayAsync($"/assets/{output}/content"));

        using var zip = new ZipArchive(new MemoryStream(await alice.GetByteArrayAsync($"/jobs/{job.Id()}/results")));
        var entry = Assert.Single(zip.Entries);
        Assert.Equal("me-copy.png", entry.FullName);
        using var read = new MemoryStream();
        await entry.Open().CopyToAsync(read);
        Assert.Equal(bytes, read.ToArray());
    }

    [Fact]
    public async Task Batch_of_20_with_3_failing_items_keeps_17_results_and_retry_finishes_the_rest()
    {
        var alice = server.Alice();
        var files = Enumerable.Range(0, 20).Select(i => TestImages.Png(512, 512, seed: 100 + i)).ToList();
        var assets = new List<JsonElement>();
        foreach (var (bytes, i) in files.Select((b, i) => (b, i))) assets.Add(await alice.UploadAsset(bytes, name: $"item{i}.png"));
        var broken = new[] { 3, 9, 16 };
        foreach (var i in broken) await server.Blobs.DeleteAsync(assets[i].GetProperty("sha256").GetString()!, default);

        var batchId = await Start(alice, new { kind = "duplicate", items = assets.Select(a => new { assetId = a.Id(), folder = "batch" }) });
        var batch = await alice.WaitForJob(batchId);
        Assert.Equal("failed", batch.GetProperty("status").GetString());
        var counts = batch.GetProperty("items");
        Assert.Equal(17, counts.GetProperty("succeeded").GetInt32());
        Assert.Equal(3, counts.GetProperty("failed").GetInt32());
        Assert.StartsWith("3 of 20 items failed", batch.GetProperty("error").GetString());
        Assert.Equal(1.0, batch.GetProperty("progress").GetDouble());

        var items = (await (await alice.GetAsync($"/jobs/{batchId}/items")).Json(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(20, items.Count);
        foreach (var i in broken)
        {
            Assert.Equal("failed", items[i].GetProperty("status").GetString());
            Assert.Contains("missing from the blob store; upload the same file again", items[i].GetProperty("error").GetString());
            Assert.Equal(1, Step(items[i], "verify").GetProperty("attempts").GetInt32()); // permanent: not retried in vain
        }

        using (var zip = new ZipArchive(new MemoryStream(await alice.GetByteArrayAsync($"/jobs/{batchId}/results"))))
        {
            Assert.Equal(17, zip.Entries.Count(e => e.FullName.StartsWith("item-")));
            using var errors = JsonDocument.Parse(zip.GetEntry("errors.json")!.Open());
            Assert.Equal(broken, errors.RootElement.EnumerateArray().Select(e => e.GetProperty("item").GetInt32()).ToArray());
        }

        // Remove the cause: uploading the same bytes restores the content-addressed blobs.
        foreach (var i in broken) await alice.UploadAsset(files[i], name: $"again{i}.png");
        await (await alice.PostAsync($"/jobs/{batchId}/retry", null)).Json(HttpStatusCode.Accepted);
        batch = await alice.WaitForJob(batchId);
        Assert.Equal("succeeded", batch.GetProperty("status").GetString());
        Assert.Equal(20, batch.GetProperty("items").GetProperty("succeeded").GetInt32());
        items = (await (await alice.GetAsync($"/jobs/{batchId}/items")).Json(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(broken.Contains(i) ? 2 : 1, Step(items[i], "verify").GetProperty("attempts").GetInt32());
            Assert.Equal(1, Step(items[i], "copy").GetProperty("attempts").GetInt32());
        }
        using var all = new ZipArchive(new MemoryStream(await alice.GetByteArrayAsync($"/jobs/{batchId}/results")));
        Assert.Equal(20, all.Entries.Count);
    }

    [Fact]
    public async Task A_failing_step_is_retried_with_backoff_then_retry_failed_resumes_without_redoing_finished_steps()
    {
        var alice = server.Alice();
        var ok = await alice.WaitForJob(await Start(alice, new { kind = "test-steps", input = new { stepMillis = 20, failTimes = 2 } }));
        Assert.Equal("succeeded", ok.GetProperty("status").GetString());
        Assert.All(ok.GetProperty("steps").EnumerateArray(), s => Assert.Equal(3, s.GetProperty("attempts").GetInt32()));

        var failed = await alice.WaitForJob(await Start(alice, new { kind = "test-steps", input = new { stepMillis = 20, failTimes = 3, failStep = "two" } }));
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal("Step 'two' failed after 3 attempt(s): Planned failure 3 of 3.", failed.GetProperty("error").GetString());
        Assert.Equal("succeeded", Step(failed, "one").GetProperty("status").GetString());
        Assert.Equal("queued", Step(failed, "three").GetProperty("status").GetString());

        await (await alice.PostAsync($"/jobs/{failed.Id()}/retry", null)).Json(HttpStatusCode.Accepted);
        var retried = await alice.WaitForJob(failed.Id());
        Assert.Equal("succeeded", retried.GetProperty("status").GetString());
        Assert.Equal(1, Step(retried, "one").GetProperty("attempts").GetInt32()); // finished before: not redone
        Assert.Equal(4, Step(retried, "two").GetProperty("attempts").GetInt32());
        Assert.Equal(1, Step(retried, "three").GetProperty("attempts").GetInt32());
        await (await alice.PostAsync($"/jobs/{failed.Id()}/retry", null)).Problem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Cancel_stops_running_work_and_a_finished_job_cannot_be_canceled()
    {
        var alice = server.Alice();
        var id = await Start(alice, new { kind = "test-steps", input = new { stepMillis = 30_000 } });
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Step(await (await alice.GetAsync($"/jobs/{id}")).Json(HttpStatusCode.OK), "one").GetProperty("status").GetString() != "running")
        {
            Assert.True(DateTime.UtcNow < deadline, "step one never started");
            await Task.Delay(50);
        }
        var started = DateTime.UtcNow;
        await (await alice.PostAsync($"/jobs/{id}/cancel", null)).Json(HttpStatusCode.Accepted);
        var job = await alice.WaitForJob(id, TimeSpan.FromSeconds(10));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        Assert.Equal("canceled", job.GetProperty("status").GetString());
        Assert.Equal("canceled", Step(job, "one").GetProperty("status").GetString());
        Assert.Equal("canceled", Step(job, "four").GetProperty("status").GetString());
        Assert.Contains("already ended as canceled", (await (await alice.PostAsync($"/jobs/{id}/cancel", null)).Problem(HttpStatusCode.Conflict)).Detail());
    }

    [Fact]
    public async Task Idempotency_key_returns_the_same_job_and_rejects_a_different_body()
    {
        var alice = server.Alice();
        var key = Guid.NewGuid().ToString();
        var body = new { kind = "test-steps", input = new { stepMillis = 10 } };
        HttpRequestMessage Request(object b) => new(HttpMethod.Post, "/jobs") { Content = JsonContent.Create(b), Headers = { { "Idempotency-Key", key } } };
        var first = await (await alice.SendAsync(Request(body))).Json(HttpStatusCode.Accepted);
        var second = await (await alice.SendAsync(Request(body))).Json(HttpStatusCode.OK);
        Assert.Equal(first.Id(), second.Id());
        var other = await (await alice.SendAsync(Request(new { kind = "test-steps", input = new { stepMillis = 11 } }))).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("already used for a different request", other.Detail());
        var page = await (await alice.GetAsync("/jobs?pageSize=500")).Json(HttpStatusCode.OK);
        Assert.Single(page.GetProperty("items").EnumerateArray(), j => j.TryGetProperty("idempotencyKey", out var k) && k.GetString() == key);
    }

    [Fact]
    public async Task Concurrent_creates_are_saved_together_and_a_key_race_still_makes_one_job()
    {
        // New jobs are written in shared transactions (JobInserts); a combined save that fails on the Idempotency-Key
        // index must fall back to saving each request alone, so the racing duplicates get the winner and the rest are kept.
        var alice = server.Client((await server.App.Services.NewUserAsync()).Token);
        var key = Guid.NewGuid().ToString();
        var body = new { kind = "test-steps", input = new { stepMillis = 10 } };
        var keyed = Enumerable.Range(0, 12).Select(_ => alice.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/jobs") { Content = JsonContent.Create(body), Headers = { { "Idempotency-Key", key } } }));
        var plain = Enumerable.Range(0, 12).Select(_ => alice.PostJson("/jobs", body));
        var responses = await Task.WhenAll(keyed.Concat(plain));
        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, r.StatusCode.ToString()));
        var ids = new List<Guid>();
        foreach (var r in responses) ids.Add((await r.Json(r.StatusCode)).Id());
        Assert.Single(ids.Take(12).Distinct());
        Assert.Equal(12, ids.Skip(12).Distinct().Count());
        var page = await (await alice.GetAsync("/jobs?pageSize=500")).Json(HttpStatusCode.OK);
        Assert.Equal(13, page.GetProperty("total").GetInt32());
        foreach (var id in ids.Distinct()) Assert.Equal("succeeded", (await alice.WaitForJob(id)).GetProperty("status").GetString());
    }

    [SkippableFact]
    public async Task Job_steps_run_on_threads_below_request_priority()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "per-thread nice values are read from /proc (Linux)");
        var threads = server.App.Services.GetRequiredService<Likeness.Server.JobEngine.JobThreads>();
        static int Nice() => int.Parse(File.ReadAllText("/proc/thread-self/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[16]);
        var (before, after) = await threads.RunAsync(async () => { var n = Nice(); await Task.Delay(20); return (n, Nice()); }, default);
        Assert.Equal(10, before);
        Assert.Equal(10, after); // the continuation came back to a job thread
        Assert.Equal(0, Nice());
    }

    [Fact]
    public async Task Work_given_to_job_threads_after_they_stopped_still_runs()
    {
        // The host disposes JobThreads on shutdown while a step may still be finishing or canceling.
        var threads = new Likeness.Server.JobEngine.JobThreads(Microsoft.Extensions.Options.Options.Create(new Likeness.Server.JobEngine.JobOptions()),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Likeness.Server.JobEngine.JobThreads>.Instance);
        threads.Dispose();
        Assert.Equal(42, await threads.RunAsync(async () => { await Task.Yield(); return 42; }, default).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Jobs_list_filters_by_status_and_pages()
    {
        var alice = server.Client((await server.App.Services.NewUserAsync()).Token);
        var a = await alice.WaitForJob(await Start(alice, new { kind = "test-steps", input = new { stepMillis = 10 } }));
        var b = await alice.WaitForJob(await Start(alice, new { kind = "test-steps", input = new { stepMillis = 10, failPermanently = true } }));
        var failed = await (await alice.GetAsync("/jobs?status=failed")).Json(HttpStatusCode.OK);
        Assert.Equal([b.Id()], failed.GetProperty("items").EnumerateArray().Select(j => j.Id()).ToArray());
        var page1 = await (await alice.GetAsync("/jobs?pageSize=1&page=1")).Json(HttpStatusCode.OK);
        var page2 = await (await alice.GetAsync("/jobs?pageSize=1&page=2")).Json(HttpStatusCode.OK);
        Assert.Equal(2, page1.GetProperty("total").GetInt32());
        Assert.Equal(b.Id(), page1.GetProperty("items")[0].Id());
        Assert.Equal(a.Id(), page2.GetProperty("items")[0].Id());
    }

    [Fact]
    public async Task Concurrency_limit_holds()
    {
        var client = server.Client((await server.App.Services.NewUserAsync()).Token);
        var ids = new List<Guid>();
        for (var i = 0; i < 4; i++) ids.Add(await Start(client, new { kind = "test-steps", input = new { stepMillis = 400 } }));
        var maxRunning = 0;
        while (true)
        {
            var jobs = (await (await client.GetAsync("/jobs?pageSize=10")).Json(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
            maxRunning = Math.Max(maxRunning, jobs.Count(j => j.GetProperty("status").GetString() == "running"));
            if (jobs.All(j => j.GetProperty("status").GetString() == "succeeded")) break;
            await Task.Delay(50);
        }
        Assert.InRange(maxRunning, 1, 2); // Likeness:Jobs:Concurrency defaults to 2
    }
}

static class FreshUser
{
    /// <summary>A user of its own, for tests that assert on whole lists.</summary>
    public static async Task<(string Token, string Name)> NewUserAsync(this IServiceProvider services)
    {
        var name = "u" + Guid.NewGuid().ToString("N")[..10];
        var tokens = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Auth.TokenService>(services);
        return ((await tokens.CreateUserAsync(name, default)).Token, name);
    }
}
