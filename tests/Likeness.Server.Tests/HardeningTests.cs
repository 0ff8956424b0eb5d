using System.Net;
using Likeness.Server.Data;
using Likeness.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

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

public sealed class ComposeSubmitChecksTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Compose_of_someone_elses_or_unknown_assets_is_refused_at_submit_and_queues_nothing()
    {
        var bobs = await server.Client(server.BobToken).UploadAsset(TestImages.Png(64, 64, seed: 21), type: "HEADSHOT");
        var alice = server.Alice();
        var scene = await alice.UploadAsset(TestImages.Png(64, 64, seed: 22), type: "BACKGROUND");
        await using var before = server.Db();
        var jobs = await before.Jobs.CountAsync();

        var foreign = await (await alice.PostJson("/compose", new { personAssetId = bobs.Id(), sceneAssetId = scene.Id() })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains($"`personAssetId` {bobs.Id()} does not exist for this user", foreign.Detail());
        var unknownScene = Guid.NewGuid();
        var missing = await (await alice.PostJson("/compose", new { personAssetId = scene.Id(), sceneAssetId = unknownScene })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains($"`sceneAssetId` {unknownScene} does not exist", missing.Detail());

        await using var after = server.Db();
        Assert.Equal(jobs, await after.Jobs.CountAsync());
    }
}

public sealed class DisguisedNameTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Names_with_bidi_overrides_are_refused()
    {
        var alice = server.Alice();
        var identity = await (await alice.PostJson("/identities", new { name = "Ana\u202Egnp.exe", consent = new { attestedBy = "Ana", statement = "I agree that my likeness may be used for my own headshots." } })).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("invisible formatting characters", identity.Detail());
        var scene = await (await alice.PostJson("/scenes", new { name = "beach\u200B" })).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("invisible formatting characters", scene.Detail());
    }
}

public sealed class UnsignedReplicateWebhookTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Unsigned_replicate_webhooks_are_refused_without_a_secret()
    {
        var body = """{"id": "pred-forged", "status": "succeeded", "output": ["https://attacker.example/x.png"]}""";
        var problem = await (await server.Client(null).PostRaw("/webhooks/replicate", body)).Problem(HttpStatusCode.Unauthorized);
        Assert.Contains("AcceptUnsignedWebhooks", problem.Detail());
    }
}

public sealed class ErrorBodyTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    public static TheoryData<string, string, string?> Requests => new()
    {
        { "GET", "/assets?page=abc", null },
        { "GET", "/jobs/not-a-guid-but-long-enough", null },
        { "POST", "/compose", null },
        { "POST", "/compose", "\"just a string\"" },
        { "POST", "/jobs", """{"kind": "compose", "input": "abc"}""" },
        { "POST", "/jobs", """{"kind": "compose", "input": {"personAssetId": 5}}""" },
        { "POST", "/jobs", """{"kind": "generate", "input": [1, 2]}""" },
        { "POST", "/identities", "[]" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Error_bodies_speak_the_apis_terms_not_dotnets(string method, string url, string? body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null) request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var response = await server.Alice().SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode}: {text}");
        foreach (var leak in new[] { "Likeness.", "System.", "Nullable", "Implicit body", "Did you mean", "Microsoft." })
            Assert.DoesNotContain(leak, text);
    }
}

public sealed class ImportValidationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    async Task<System.Text.Json.Nodes.JsonObject> ExportAsync()
    {
        var alice = server.Alice();
        var id = await alice.CreateIdentity("Exported");
        await (await alice.PostAsync($"/identities/{id}/photos", Http.Photos(("p.png", TestPhotos.Face(70))))).Json(HttpStatusCode.Created);
        return System.Text.Json.Nodes.JsonNode.Parse(await alice.GetStringAsync($"/identities/{id}/export?includeImages=true"))!.AsObject();
    }

    [Fact]
    public async Task Import_refuses_path_names_altered_hashes_and_bad_embeddings()
    {
        var export = await ExportAsync();
        var photo = export["photos"]![0]!.AsObject();
        photo["name"] = "../../etc/passwd";
        photo["sha256"] = new string('0', 64);
        var nan = new byte[512 * 4];
        for (var i = 0; i < nan.Length; i += 4) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(nan.AsSpan(i), float.NaN);
        export["embeddingTemplate"] = Convert.ToBase64String(nan);
        export["views"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
        {
            ["name"] = "../evil", ["mediaType"] = "image/png", ["width"] = 1, ["height"] = 1, ["sha256"] = "x",
        });
        var problem = await (await server.Bob().PostRaw("/identities/import", export.ToJsonString())).Problem(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "photos[0].name", "photos[0].sha256", "embeddingTemplate", "views[0].name" })
            Assert.True(errors.TryGetProperty(field, out _), $"{field} not reported: {problem}");

        var sevenBytes = await ExportAsync();
        sevenBytes["embeddingTemplate"] = Convert.ToBase64String(new byte[7]);
        var short7 = await (await server.Bob().PostRaw("/identities/import", sevenBytes.ToJsonString())).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("is 7 bytes", short7.GetProperty("errors").GetProperty("embeddingTemplate")[0].GetString());
    }
}

public sealed class PolyglotTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    async Task<byte[]> RoundTrip(byte[] upload)
    {
        var alice = server.Alice();
        var asset = await alice.UploadAsset(upload, type: "BACKGROUND", name: "poly.bin");
        return await alice.GetByteArrayAsync($"/assets/{asset.Id()}/content");
    }

    [Fact]
    public async Task Trailers_after_the_image_and_huge_text_chunks_are_not_stored()
    {
        var jpeg = TestPhotos.Sample("rocket.jpg");
        var html = System.Text.Encoding.ASCII.GetBytes("<html><script>alert(1)</script></html>");
        Assert.Equal(jpeg, await RoundTrip([.. jpeg, .. html]));

        var png = TestImages.Png(64, 64, seed: 31);
        var zip = new byte[] { 0x50, 0x4B, 0x03, 0x04, 1, 2, 3, 4 };
        Assert.Equal(png, await RoundTrip([.. png, .. zip]));

        var iend = png.Length - 12;
        using var withText = new MemoryStream();
        withText.Write(png, 0, iend);
        TestImages.Chunk(withText, "tEXt", [.. "Comment\0"u8.ToArray(), .. new byte[200_000]]);
        withText.Write(png, iend, 12);
        Assert.Equal(png, await RoundTrip(withText.ToArray()));
    }
}

public sealed class EngineFailureTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_job_the_engine_cannot_run_fails_with_a_reason_instead_of_staying_running()
    {
        var alice = server.Alice();
        var made = (await (await alice.PostJson("/jobs", new { kind = "test-steps", input = new { stepMillis = 10 } })).Json(HttpStatusCode.Accepted)).Id();
        await alice.WaitForJob(made);
        Guid owner;
        await using (var db = server.Db()) owner = (await db.Jobs.SingleAsync(j => j.Id == made)).OwnerId;

        // A row the runner cannot even parse: the failure happens outside every step's handling.
        var broken = new Job { Id = Guid.NewGuid(), OwnerId = owner, Kind = "test-steps", InputJson = "{broken", Status = Likeness.Jobs.JobStatus.Queued, CreatedAt = DateTime.UtcNow };
        broken.Steps.Add(new JobStep { Id = Guid.NewGuid(), JobId = broken.Id, Index = 0, Name = "one", Status = Likeness.Jobs.JobStatus.Queued, MaxAttempts = 3 });
        await using (var db = server.Db())
        {
            db.Jobs.Add(broken);
            await db.SaveChangesAsync();
        }
        await server.App.Services.GetRequiredService<Likeness.Jobs.IJobQueue>().EnqueueAsync(broken.Id, default);

        Job? row = null;
        for (var i = 0; i < 300 && row?.Status is not Likeness.Jobs.JobStatus.Failed; i++)
        {
            await Task.Delay(100);
            await using var db = server.Db();
            row = await db.Jobs.AsNoTracking().Include(j => j.Steps).SingleAsync(j => j.Id == broken.Id);
        }
        Assert.Equal(Likeness.Jobs.JobStatus.Failed, row!.Status);
        Assert.Contains("internal error", row.Error);
        Assert.Contains("/retry", row.Error);
        Assert.All(row.Steps, s => Assert.Equal(Likeness.Jobs.JobStatus.Failed, s.Status));

        // The API still shows it, failed with its reason, and says its stored input is damaged.
        var shown = await (await alice.GetAsync($"/jobs/{broken.Id}")).Json(HttpStatusCode.OK);
        Assert.Equal("failed", shown.GetProperty("status").GetString());
        Assert.Equal("{broken", shown.GetProperty("input").GetProperty("text").GetString());
        Assert.Contains("damaged", shown.GetProperty("input").GetProperty("unreadable").GetString());
    }
}
