using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Likeness.Server.Data;
using Likeness.Server.Tests.Support;

namespace Likeness.Server.Tests;

/// <summary>
/// Two API nodes (`serve --no-worker`) and a `likeness worker` on one PostgreSQL: progress streamed by the node the
/// client talks to, whichever node created the job; a cancel sent to one node stops work running in the worker process.
/// </summary>
public sealed class MultiNodeTests : IAsyncLifetime
{
    readonly string data = Path.Combine(Path.GetTempPath(), "likeness-tests", "nodes-" + Guid.NewGuid().ToString("N"));
    TestDatabase database = null!;

    public async Task InitializeAsync() => database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        try { Directory.Delete(data, recursive: true); } catch (IOException) { }
    }


    [Fact, Trait("Database", "PostgreSQL")]
    public async Task Progress_and_cancel_reach_the_worker_through_any_api_node()
    {
        Assert.True(database.Options.Provider == DatabaseProvider.Postgres, "this test runs in the PostgreSQL pass (LIKENESS_TEST_POSTGRES)");
        // Leases of 9 s (heartbeat every 3 s): with the suite's 3 s a worker starved of CPU by the other test hosts let its
        // lease lapse, and the API node then canceled the job itself ("Canceled on request.") instead of the worker mid-step.
        var lease = new Dictionary<string, string> { ["Likeness__Jobs__LeaseTime"] = "00:00:09" };
        await using var a = await ServerProcess.StartAsync(data, database, lease, command: "serve --no-worker");
        var token = a.PrintedToken ?? throw new InvalidOperationException(a.Output);
        await using var b = await ServerProcess.StartAsync(data, database, lease, command: "serve --no-worker");
        await using var worker = await ServerProcess.StartAsync(data, database, lease, command: "worker");
        var (onA, onB) = (a.Client(token), b.Client(token));

        var watched = (await (await onA.PostJson("/jobs", new { kind = "test-steps", input = new { stepMillis = 300 } })).Json(HttpStatusCode.Accepted)).Id();
        var events = await Sse.ReadAll(onB, watched);
        var transitions = events.Where(e => e.Type == "step").Select(e => $"{e.Data.GetProperty("step").GetString()}:{e.Data.GetProperty("status").GetString()}");
        Assert.Equal(["one:running", "one:succeeded", "two:running", "two:succeeded", "three:running", "three:succeeded", "four:running", "four:succeeded"], transitions);
        Assert.Equal("succeeded", events[^1].Data.GetProperty("status").GetString());

        var slow = (await (await onB.PostJson("/jobs", new { kind = "test-steps", input = new { stepMillis = 20_000 } })).Json(HttpStatusCode.Accepted)).Id();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await (await onA.GetAsync($"/jobs/{slow}")).Json(HttpStatusCode.OK)).GetProperty("status").GetString() != "running")
        {
            Assert.True(DateTime.UtcNow < deadline, "the worker never started the job");
            await Task.Delay(100);
        }
        var clock = Stopwatch.StartNew();
        await (await onA.PostAsync($"/jobs/{slow}/cancel", null)).Json(HttpStatusCode.Accepted);
        var ended = await onB.WaitForJob(slow, TimeSpan.FromSeconds(15));
        Assert.Equal("canceled", ended.GetProperty("status").GetString());
        Assert.Contains("during step 'one'", ended.GetProperty("error").GetString());   // stopped by the worker, mid-step
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"cancel took {clock.Elapsed.TotalSeconds:0.0} s to reach the worker");
        Assert.False(worker.HasExited);
    }
}
