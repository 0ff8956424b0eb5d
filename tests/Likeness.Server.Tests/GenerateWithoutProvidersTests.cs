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
}
