using System.Net;
using Likeness.Server.Tests.Support;

namespace Likeness.Server.Tests;

public sealed class AuthAndIsolationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("/identities")]
    [InlineData("/assets")]
    [InlineData("/scenes")]
    [InlineData("/jobs")]
    public async Task Without_a_token_every_resource_answers_401_problem(string path)
    {
        var problem = await (await server.Client(null).GetAsync(path)).Problem(HttpStatusCode.Unauthorized);
        Assert.Contains("Authorization: Bearer", problem.Detail());
    }

    [Fact]
    public async Task An_unknown_token_answers_401()
    {
        var problem = await (await server.Client("lk_not-a-real-token").GetAsync("/identities")).Problem(HttpStatusCode.Unauthorized);
        Assert.Contains("not valid", problem.Detail());
    }

    [Fact]
    public async Task Health_and_openapi_need_no_token()
    {
        var health = await (await server.Client(null).GetAsync("/health")).Json(HttpStatusCode.OK);
        // Proves which provider the suite runs against (LIKENESS_TEST_POSTGRES set: PostgreSQL).
        Assert.Equal(TestDatabase.PostgresAdmin is null ? "Microsoft.EntityFrameworkCore.Sqlite" : "Npgsql.EntityFrameworkCore.PostgreSQL",
            health.GetProperty("database").GetString());
        await (await server.Client(null).GetAsync("/openapi/v1.json")).Json(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Bob_never_sees_Alices_identities_assets_blobs_or_jobs()
    {
        var alice = server.Alice();
        var bob = server.Bob();
        var identity = await alice.CreateIdentity("Alice Private");
        await (await alice.PostAsync($"/identities/{identity}/photos", Http.Photos(("a.png", TestPhotos.Face(11))))).Json(HttpStatusCode.Created);
        var photo = (await (await alice.GetAsync($"/identities/{identity}")).Json(HttpStatusCode.OK)).GetProperty("photos")[0].Id();
        var asset = (await alice.UploadAsset(TestImages.Png(600, 600, seed: 12))).Id();
        var job = (await (await alice.PostJson("/jobs", new { kind = "duplicate", input = new { assetId = asset } })).Json(HttpStatusCode.Accepted)).Id();
        await alice.WaitForJob(job);

        foreach (var path in new[]
                 {
                     $"/identities/{identity}", $"/identities/{identity}/views", $"/identities/{identity}/export",
                     $"/identities/{identity}/photos/{photo}/content", $"/assets/{asset}", $"/assets/{asset}/content",
                     $"/jobs/{job}", $"/jobs/{job}/events", $"/jobs/{job}/results", $"/jobs/{job}/items",
                 })
            await (await bob.GetAsync(path)).Problem(HttpStatusCode.NotFound);
        await (await bob.DeleteAsync($"/identities/{identity}")).Problem(HttpStatusCode.NotFound);
        await (await bob.DeleteAsync($"/assets/{asset}")).Problem(HttpStatusCode.NotFound);
        await (await bob.PostAsync($"/jobs/{job}/retry", null)).Problem(HttpStatusCode.NotFound);
        await (await bob.PostAsync($"/identities/{identity}/photos", Http.Photos(("b.png", TestImages.Png(512, 512, seed: 13))))).Problem(HttpStatusCode.NotFound);
        // Bob cannot start work on Alice's asset either.
        var denied = await (await bob.PostJson("/jobs", new { kind = "duplicate", input = new { assetId = asset } })).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("does not exist for this user", denied.Detail());

        var bobsIdentities = await (await bob.GetAsync("/identities")).Json(HttpStatusCode.OK);
        Assert.DoesNotContain(bobsIdentities.EnumerateArray(), i => i.Id() == identity);
        var bobsAssets = await (await bob.GetAsync("/assets")).Json(HttpStatusCode.OK);
        Assert.DoesNotContain(bobsAssets.GetProperty("items").EnumerateArray(), a => a.Id() == asset);
        var bobsJobs = await (await bob.GetAsync("/jobs")).Json(HttpStatusCode.OK);
        Assert.DoesNotContain(bobsJobs.GetProperty("items").EnumerateArray(), j => j.Id() == job);

        // Alice still has everything.
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"/assets/{asset}/content")).StatusCode);
    }
}
