using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Likeness.Providers.Tests.Fakes;
using Likeness.Server.Data;
using Likeness.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Tests;

/// <summary>
/// `likeness serve` as its own process, keys from the conventional environment variables. fal is given a wrong key
/// and echoes it back in its 401 body; the job falls back to Gemini. Neither key may appear anywhere the server writes.
/// </summary>
public sealed class ProviderSecretTests : IAsyncLifetime
{
    const string FalKey = "fal-key-LEAKCHECK-5c1e9a77";
    readonly string data = Path.Combine(Path.GetTempPath(), "likeness-tests", "secrets-" + Guid.NewGuid().ToString("N"));
    readonly ManualClock clock = new();
    TestDatabase database = null!;
    FakeFal fal = null!;
    FakeGemini gemini = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        fal = await FakeFal.StartAsync(clock);
        fal.EchoKeyInErrors = true;
        gemini = await FakeGemini.StartAsync(clock);
    }

    public async Task DisposeAsync()
    {
        await fal.DisposeAsync();
        await gemini.DisposeAsync();
        await database.DisposeAsync();
        try { Directory.Delete(data, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Provider_keys_never_reach_jobs_ledger_logs_or_exports()
    {
        await using var server = await ServerProcess.StartAsync(data, database, new Dictionary<string, string>
        {
            ["FAL_KEY"] = FalKey,
            ["GEMINI_API_KEY"] = FakeGemini.Key,
            ["Likeness__Providers__Fal__BaseUrl"] = fal.Server.Root,
            ["Likeness__Providers__Gemini__BaseUrl"] = gemini.BaseUrl,
            ["Likeness__Providers__Downloads__Url__AllowHttp"] = "true",
            ["Likeness__Providers__Downloads__Url__AllowPrivateNetworks"] = "true",
            ["Logging__LogLevel__Default"] = "Debug",
        });
        var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.PrintedToken);

        var created = await (await client.PostJson("/jobs", new { kind = "generate", input = new { operation = "text-to-image", prompt = "a quiet harbour" } })).Json(HttpStatusCode.Accepted);
        var job = await client.WaitForJob(created.Id());
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Contains(fal.Server.Requests, r => r.Header("authorization") == $"Key {FalKey}");   // the key really went to fal...
        var attempts = job.GetProperty("steps")[0].GetProperty("output").GetProperty("attempts");
        Assert.Equal("Unauthorized", attempts[0].GetProperty("failure").GetString());             // ...fal answered 401 echoing it...
        Assert.Contains("Invalid key Key [redacted]", attempts[0].GetProperty("reason").GetString()); // ...and the echo was redacted

        var identity = await client.CreateIdentity();
        var written = new StringBuilder()
            .AppendLine(job.ToString())
            .AppendLine(await client.GetStringAsync("/jobs"))
            .AppendLine(await client.GetStringAsync($"/identities/{identity}/export?includeImages=true"))
            .AppendLine(Encoding.Latin1.GetString(await client.GetByteArrayAsync($"/jobs/{created.Id()}/results")))
            .AppendLine(await DatabaseDumpAsync());
        await Task.Delay(300); // let the process flush its last log lines
        written.AppendLine(server.Output);

        var text = written.ToString();
        Assert.Contains("a quiet harbour", text);   // the dump is real: the prompt is in it
        Assert.DoesNotContain(FalKey, text);
        Assert.DoesNotContain(FakeGemini.Key, text);
    }

    async Task<string> DatabaseDumpAsync()
    {
        var options = new DbContextOptionsBuilder<LikenessDb>();
        DatabaseSetup.Configure(options, database.Options.Provider, DatabaseSetup.ResolveConnectionString(database.Options, data));
        await using var db = new LikenessDb(options.Options);
        var tables = new object[]
        {
            await db.Jobs.AsNoTracking().ToListAsync(), await db.JobSteps.AsNoTracking().ToListAsync(),
            await db.JobStepAttempts.AsNoTracking().ToListAsync(), await db.JobEvents.AsNoTracking().ToListAsync(),
            await db.GenerationLogs.AsNoTracking().ToListAsync(), await db.Assets.AsNoTracking().ToListAsync(),
        };
        Assert.NotEmpty(await db.GenerationLogs.ToListAsync());
        return JsonSerializer.Serialize(tables);
    }
}
