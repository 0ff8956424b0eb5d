using System.Net;
using Likeness.Server.Tests.Support;

namespace Likeness.Server.Tests;

/// <summary>A server with no provider key: generation is refused up front with the keys to set; the local engine is unaffected.</summary>
public sealed class GenerateWithoutProvidersTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [SkippableFact]
    public async Task Generate_is_422_naming_the_provider_keys_to_set()
    {
        Skip.If(new[] { "FAL_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "HF_TOKEN", "REPLICATE_API_TOKEN" }.Any(v => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v))),
            "a provider key is set in this environment");
        var problem = await (await server.Alice().PostJson("/jobs", new { kind = "generate", input = new { operation = "text-to-image", prompt = "a boat" } }))
            .Problem(HttpStatusCode.UnprocessableEntity);
        var detail = problem.Detail();
        foreach (var key in new[] { "FAL_KEY", "GEMINI_API_KEY", "HF_TOKEN", "REPLICATE_API_TOKEN", "Likeness:Providers:Fal:ApiKey", "compose" })
            Assert.Contains(key, detail);
        Assert.Contains("generate", (await (await server.Alice().GetAsync("/jobs/kinds")).Json(HttpStatusCode.OK)).ToString());
    }

    [SkippableFact]
    public async Task Generated_views_and_the_cinematic_chain_are_422_naming_the_keys_before_anything_is_queued()
    {
        Skip.If(new[] { "FAL_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "HF_TOKEN", "REPLICATE_API_TOKEN" }.Any(v => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v))),
            "a provider key is set in this environment");
        var alice = server.Alice();
        var identity = await alice.CreateIdentity("NoKeys");
        await (await alice.PostAsync($"/identities/{identity}/photos", Http.Photos(("a.png", TestPhotos.Face(400))))).Json(HttpStatusCode.Created);
        var views = await (await alice.PostJson($"/identities/{identity}/views", new { generate = "missing" })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("GEMINI_API_KEY", views.Detail());
        var cinematic = await (await alice.PostJson($"/identities/{identity}/cinematic", new { })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("GEMINI_API_KEY", cinematic.Detail());
        var unknown = await (await alice.PostJson($"/identities/{identity}/views", new { generate = "some" })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("none, missing", unknown.Detail());
        await using var db = server.Db();
        Assert.DoesNotContain(db.Jobs, j => j.InputJson.Contains(identity.ToString()));
    }
}
