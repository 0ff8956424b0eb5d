using System.Net;
using System.Text.Json;
using Likeness.Compositing;
using Likeness.Server.Tests.Support;

namespace Likeness.Server.Tests;

/// <summary>POST /compose runs the real local engine (models from the user's cache or LIKENESS_MODEL_MIRROR).</summary>
[Collection(EngineCollection.Name)]
public sealed class ComposeJobTests(ServerFixture server)
{
    static byte[] Sample(string file) => TestPhotos.Sample(file);

    [Fact]
    public async Task Compose_job_puts_the_person_into_the_scene_and_stores_the_result_with_provenance()
    {
        var alice = server.Alice();
        var person = (await alice.UploadAsset(Sample("astronaut.png"), type: "HEADSHOT", name: "astronaut.png")).Id();
        var scene = (await alice.UploadAsset(Sample("rocket.jpg"), type: "BACKGROUND", name: "rocket.jpg")).Id();
        var started = await (await alice.PostJson("/compose", new { personAssetId = person, sceneAssetId = scene, matting = "fast" })).Json(HttpStatusCode.Accepted);
        var job = await alice.WaitForJob(started.Id(), TimeSpan.FromMinutes(3));
        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.ToString());

        var step = job.GetProperty("steps")[0];
        var output = step.GetProperty("outputAssetIds")[0].GetGuid();
        var asset = await (await alice.GetAsync($"/assets/{output}")).Json(HttpStatusCode.OK);
        Assert.Equal(640, asset.GetProperty("width").GetInt32());
        var bytes = await alice.GetByteArrayAsync($"/assets/{output}/content");
        var provenance = ProvenanceRecord.Read(bytes);
        Assert.NotNull(provenance);
        Assert.Equal("compose", provenance!.Operation);

        var bob = server.Bob();
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/assets/{output}")).StatusCode);
    }

    [Fact]
    public async Task Compose_input_errors_are_problem_details_before_anything_runs()
    {
        var alice = server.Alice();
        var both = await (await alice.PostJson("/compose", new { personAssetId = Guid.NewGuid() })).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("exactly one", both.ToString());
        var preset = await (await alice.PostJson("/compose", new { personAssetId = Guid.NewGuid(), background = "#FFFFFF", export = "myspace" })).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("export preset", preset.ToString());
    }
}
