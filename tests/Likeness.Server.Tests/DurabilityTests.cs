using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Likeness.Server.Tests.Support;

namespace Likeness.Server.Tests;

/// <summary>The server process is killed with SIGKILL mid-job; after a restart the job completes without redoing finished steps.</summary>
public sealed class DurabilityTests : IAsyncLifetime
{
    readonly string data = Path.Combine(Path.GetTempPath(), "likeness-tests", "durable-" + Guid.NewGuid().ToString("N"));
    TestDatabase database = null!;

    public async Task InitializeAsync() => database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        try { Directory.Delete(data, recursive: true); } catch (IOException) { }
    }


    static JsonElement Step(JsonElement job, string name) => job.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);

    [Fact]
    public async Task Job_running_when_the_server_is_killed_completes_after_restart_without_redoing_finished_steps()
    {
        Guid jobId;
        string token;
        await using (var first = await ServerProcess.StartAsync(data, database))
        {
            token = first.PrintedToken ?? throw new InvalidOperationException($"The first start printed no token:\n{first.Output}");
            var client = first.Client(token);
            // 4 s per step: the poll below must see step two running; a 1.5 s window was missed on a loaded CI machine.
            jobId = (await (await client.PostJson("/jobs", new { kind = "test-steps", input = new { stepMillis = 4000 } })).Json(HttpStatusCode.Accepted)).Id();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                var job = await (await client.GetAsync($"/jobs/{jobId}")).Json(HttpStatusCode.OK);
                if (Step(job, "two").GetProperty("status").GetString() == "running" && Step(job, "two").GetProperty("progress").GetDouble() > 0) break;
                Assert.True(DateTime.UtcNow < deadline, $"step two never ran: {job}");
                await Task.Delay(50);
            }
            await first.KillAsync();
        }

        await using var second = await ServerProcess.StartAsync(data, database);
        Assert.Null(second.PrintedToken); // the first user exists: no new token on restart
        var again = second.Client(token);
        var finished = await again.WaitForJob(jobId, TimeSpan.FromSeconds(60));
        Assert.Equal("succeeded", finished.GetProperty("status").GetString());
        Assert.Equal(1, Step(finished, "one").GetProperty("attempts").GetInt32());   // finished before the kill: not redone
        Assert.Equal(2, Step(finished, "two").GetProperty("attempts").GetInt32());   // interrupted, then re-run
        Assert.Equal(1, Step(finished, "three").GetProperty("attempts").GetInt32());
        Assert.Equal(1, Step(finished, "four").GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task A_step_that_takes_the_server_down_every_time_fails_after_its_attempts_with_the_reason()
    {
        var environment = new Dictionary<string, string> { ["Likeness__Jobs__MaxAttempts"] = "2" };
        Guid jobId = default;
        string? token = null;
        for (var round = 1; round <= 2; round++)
        {
            await using var server = await ServerProcess.StartAsync(data, database, environment);
            token ??= server.PrintedToken ?? throw new InvalidOperationException(server.Output);
            var client = server.Client(token);
            if (round == 1) jobId = (await (await client.PostJson("/jobs", new { kind = "test-steps", input = new { stepMillis = 60_000 } })).Json(HttpStatusCode.Accepted)).Id();
            var deadline = DateTime.UtcNow.AddSeconds(40);
            while (true)
            {
                var one = Step(await (await client.GetAsync($"/jobs/{jobId}")).Json(HttpStatusCode.OK), "one");
                if (one.GetProperty("status").GetString() == "running" && one.GetProperty("attempts").GetInt32() == round) break;
                Assert.True(DateTime.UtcNow < deadline, $"round {round}: step one never ran: {one}");
                await Task.Delay(100);
            }
            await server.KillAsync();   // like an out-of-memory kill in the middle of the step, every time
        }

        await using var last = await ServerProcess.StartAsync(data, database, environment);
        var job = await last.Client(token!).WaitForJob(jobId, TimeSpan.FromSeconds(30));
        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Contains("stopped 2 time(s)", job.GetProperty("error").GetString());
        Assert.Contains("/retry", job.GetProperty("error").GetString());
        Assert.Equal(2, Step(job, "one").GetProperty("attempts").GetInt32());
        Assert.Equal(0, Step(job, "two").GetProperty("attempts").GetInt32());
    }
}
