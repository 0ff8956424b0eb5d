using System.Net;
using System.Text.Json;
using Likeness.Imaging.Codecs;
using Likeness.Providers;
using Likeness.Providers.Costs;
using Likeness.Server.Data;
using Likeness.Server.Tests.Support;
using static Likeness.Server.Tests.Support.TestPhotos;

namespace Likeness.Server.Tests;

/// <summary>The endpoints the web studio added to the public API: who am I, the placement preview, provider status and spend, provenance.</summary>
[Collection(EngineCollection.Name)]
public sealed class StudioApiTests(ServerFixture server)
{
    [Fact]
    public async Task Me_names_the_token_s_user()
    {
        Assert.Equal("alice", (await (await server.Alice().GetAsync("/me")).Json(HttpStatusCode.OK)).GetProperty("name").GetString());
        Assert.Equal("bob", (await (await server.Bob().GetAsync("/me")).Json(HttpStatusCode.OK)).GetProperty("name").GetString());
        await (await server.Client(null).GetAsync("/me")).Problem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_preview_cuts_the_person_out_and_places_them_like_the_compose_job_does()
    {
        var alice = server.Alice();
        var person = (await alice.UploadAsset(Sample("astronaut.png"), "HEADSHOT", "astronaut.png")).Id();
        var scene = (await alice.UploadAsset(Sample("rocket.jpg"), "BACKGROUND", "rocket.jpg")).Id();
        var preview = await (await alice.PostJson("/compose/preview", new { personAssetId = person, sceneAssetId = scene, matting = "fast" })).Json(HttpStatusCode.OK);

        var dataUrl = preview.GetProperty("cutout").GetString()!;
        Assert.StartsWith("data:image/png;base64,", dataUrl);
        var cutout = ImageCodec.Decode(Convert.FromBase64String(dataUrl["data:image/png;base64,".Length..]));
        Assert.Equal(preview.GetProperty("cutoutWidth").GetInt32(), cutout.Width);
        // A real matte, not the photo's rectangle: part of the box around the person is clear, the face is opaque.
        int clear = 0;
        for (int y = 0; y < cutout.Height; y++)
            for (int x = 0; x < cutout.Width; x++) if (cutout[x, y].A < 30) clear++;
        Assert.InRange(clear / (double)(cutout.Width * cutout.Height), 0.05, 0.6);
        double torso = 0;
        int count = 0;
        for (int y = cutout.Height * 4 / 10; y < cutout.Height * 9 / 10; y++)
            for (int x = cutout.Width * 3 / 10; x < cutout.Width * 7 / 10; x++, count++) torso += cutout[x, y].A / 255.0;
        Assert.True(torso / count > 0.8, $"the torso is not opaque (mean alpha {torso / count:0.00})");
        var placement = preview.GetProperty("placement");
        Assert.InRange(placement.GetProperty("x").GetDouble(), 0, 1);
        Assert.InRange(placement.GetProperty("scale").GetDouble(), 0.2, 3);

        // The job given "auto" lands where the preview said.
        var job = await alice.WaitForJob((await (await alice.PostJson("/compose", new { personAssetId = person, sceneAssetId = scene, matting = "fast" })).Json(HttpStatusCode.Accepted)).Id());
        var ran = job.GetProperty("steps")[0].GetProperty("output").GetProperty("placement").GetProperty("position");
        Assert.Equal(placement.GetProperty("x").GetDouble(), ran.GetProperty("x").GetDouble(), 3);
        Assert.Equal(placement.GetProperty("scale").GetDouble(), ran.GetProperty("scale").GetDouble(), 3);

        // Without a scene (a colour background) there is no placement, only the cut-out.
        var onColour = await (await alice.PostJson("/compose/preview", new { personAssetId = person, matting = "fast" })).Json(HttpStatusCode.OK);
        Assert.False(onColour.TryGetProperty("placement", out var none) && none.ValueKind != JsonValueKind.Null, "a colour background has no placement");

        await (await alice.PostJson("/compose/preview", new { personAssetId = Guid.NewGuid() })).Problem(HttpStatusCode.NotFound);
        await (await server.Bob().PostJson("/compose/preview", new { personAssetId = person })).Problem(HttpStatusCode.NotFound);
        var bad = await (await alice.PostJson("/compose/preview", new { personAssetId = person, faceWidth = 5 })).Problem(HttpStatusCode.BadRequest);
        Assert.Contains("face width", bad.ToString());
    }

    [SkippableFact]
    public async Task The_preview_refuses_a_close_crop_with_the_compose_reason()
    {
        var alice = server.Alice();
        var person = (await alice.UploadAsset(ComposeJobTests.CloseCrop(), "HEADSHOT", "crop.png")).Id();
        var problem = await (await alice.PostJson("/compose/preview", new { personAssetId = person, matting = "fast" })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("close face crop", problem.Detail());
    }

    [Fact]
    public async Task Providers_lists_every_provider_with_health_and_only_the_caller_s_spend()
    {
        await using (var db = server.Db())
        {
            foreach (var (user, usd, daysAgo) in new[] { ("alice", 0.40m, 0), ("alice", 0.10m, 1), ("bob", 7m, 0), ("alice", 5m, 400) })
                db.GenerationLogs.Add(new GenerationLog
                {
                    Id = Guid.NewGuid(), UserId = user, Provider = "gemini", Model = "gemini-2.5-flash-image", Operation = GenerationOperation.TextToImage,
                    Outcome = CostOutcome.Succeeded, Units = 1, Unit = PriceUnit.Image, EstimatedUsd = usd, CreatedAt = DateTime.UtcNow.AddDays(-daysAgo),
                });
            await db.SaveChangesAsync();
        }
        var overview = await (await server.Alice().GetAsync("/providers")).Json(HttpStatusCode.OK);
        var names = overview.GetProperty("providers").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("fal", names);
        Assert.Contains("gemini", names);
        var gemini = overview.GetProperty("providers").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "gemini");
        Assert.False(gemini.GetProperty("configured").GetBoolean());
        Assert.Contains("GEMINI_API_KEY", gemini.GetProperty("configurationHint").GetString());
        Assert.Equal("closed", gemini.GetProperty("health").GetProperty("circuit").GetString());
        var days = overview.GetProperty("days").EnumerateArray().Where(d => d.GetProperty("provider").GetString() == "gemini").ToList();
        Assert.Equal(0.50m, days.Sum(d => d.GetProperty("usd").GetDecimal()));
        Assert.False(overview.GetProperty("budget").TryGetProperty("monthlyLimitUsd", out var limit) && limit.ValueKind != JsonValueKind.Null, "no budget is configured here");
        // This month: today's 0.40 always, yesterday's 0.10 unless the month began today; never bob's or last year's.
        var month = gemini.GetProperty("spentThisMonthUsd").GetDecimal();
        Assert.Contains(month, new[] { 0.40m, 0.50m });
        await (await server.Alice().GetAsync("/providers?days=0")).Problem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Provenance_is_read_from_images_likeness_made_and_absent_from_uploads()
    {
        var alice = server.Alice();
        var person = (await alice.UploadAsset(Sample("astronaut.png"), "HEADSHOT", "astronaut.png")).Id();
        var job = await alice.WaitForJob((await (await alice.PostJson("/compose", new { personAssetId = person, background = "#204060", matting = "fast" })).Json(HttpStatusCode.Accepted)).Id());
        var output = job.GetProperty("steps")[0].GetProperty("outputAssetIds")[0].GetGuid();
        var record = await (await alice.GetAsync($"/assets/{output}/provenance")).Json(HttpStatusCode.OK);
        Assert.Equal("compose", record.GetProperty("operation").GetString());
        Assert.True(record.GetProperty("inputSha256").EnumerateObject().Any());
        var none = await (await alice.GetAsync($"/assets/{person}/provenance")).Problem(HttpStatusCode.NotFound);
        Assert.Contains("uploaded", none.Detail());
        await (await server.Bob().GetAsync($"/assets/{output}/provenance")).Problem(HttpStatusCode.NotFound);
    }
}
