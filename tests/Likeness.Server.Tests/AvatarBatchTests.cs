using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Likeness.Imaging.Codecs;
using Likeness.Providers.Tests.Fakes;
using Likeness.Server.Tests.Support;

namespace Likeness.Server.Tests;

/// <summary>
/// Avatar batches over real HTTP: an identity with a trained LoRA in N poses, fal.ai played by the loopback fake that
/// answers with real photos the test picks; the gate re-extracts pose and identity from those pixels per item.
/// </summary>
public sealed class AvatarBatchTests : IClassFixture<ProviderServerFixture>
{
    const string Leo = "identity/leonardo_dicaprio/";
    readonly ProviderServerFixture server;

    public AvatarBatchTests(ProviderServerFixture server)
    {
        this.server = server;
        server.Fal.Script = ["COMPLETED"];
        server.Fal.ResultOverride = null;
        server.Fal.ImageReplies.Clear();
        server.Fal.ReplyChooser = null;
        server.Fal.Files.Put("lora.safetensors", TestFiles.Safetensors(), "application/octet-stream");
    }

    async Task<Guid> LeoAsync(HttpClient client, bool train = true)
    {
        var id = await client.CreateIdentity("Leo");
        foreach (var name in new[] { "img35.jpg", "img36.jpg", "img37.jpg" })
            await (await client.PostAsync($"/identities/{id}/photos", Http.Photos((name, TestPhotos.Shared(Leo + name))))).Json(HttpStatusCode.Created);
        if (train)
        {
            var started = await (await client.PostJson($"/identities/{id}/lora", new { })).Json(HttpStatusCode.Accepted);
            Assert.Equal("succeeded", (await client.WaitForJob(started.Id(), TimeSpan.FromMinutes(3))).GetProperty("status").GetString());
        }
        return id;
    }

    /// <summary>Leo's own waist-up pose (holding the Oscar), extracted by the CLI as a user would: `likeness pose extract --json`.</summary>
    static async Task<JsonElement> LeoPoseAsync()
    {
        var photo = Path.Combine(Path.GetTempPath(), $"leo-{Guid.NewGuid():N}.jpg");
        await File.WriteAllBytesAsync(photo, TestPhotos.Shared(Leo + "img37.jpg"));
        try
        {
            var (exit, text, err) = await CliProcess.RunAsync(["pose", "extract", photo, "--id", "leo-oscar", "--category", "business", "--json", "--mirror", TestPhotos.SharedModels()]);
            Assert.True(exit == 0, text + err);
            return JsonDocument.Parse(text[text.IndexOf('{')..]).RootElement.GetProperty("poses")[0].Clone();
        }
        finally { File.Delete(photo); }
    }

    [SkippableFact]
    public async Task An_avatar_batch_gates_each_pose_on_likeness_and_pose_and_gives_a_zip_and_a_contact_sheet()
    {
        var alice = server.Alice();
        var identity = await LeoAsync(alice);
        var leoPose = await LeoPoseAsync();
        // Items run concurrently: the reply is chosen by the control image's aspect. Leo's waist-up pose (wide) gets Leo in
        // exactly that pose; the dancer's pose (narrow, full body) gets the dancer herself: the right pose by another person.
        var leo = TestPhotos.Shared(Leo + "img37.jpg");
        var dancer = TestPhotos.Shared("fullbody/tf_pose/apink1.jpg");
        server.Fal.ReplyChooser = (model, input) => model != "fal-ai/flux-general" ? null
            : input["image_size"]!["width"]!.GetValue<double>() / input["image_size"]!["height"]!.GetValue<double>() > 0.6 ? leo : dancer;

        var started = await (await alice.PostJson($"/identities/{identity}/avatars", new
        {
            prompt = "at a gala in a black tuxedo",
            poses = new[] { "stage-arm-raised" },
            templates = new[] { leoPose },
            attempts = 1,
            longSide = 768,
        })).Json(HttpStatusCode.Accepted);
        var batch = await alice.WaitForJob(started.Id(), TimeSpan.FromMinutes(3));
        var items = (await (await alice.GetAsync($"/jobs/{started.Id()}/items")).Json(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);

        var good = items[1];
        Assert.True(good.GetProperty("status").GetString() == "succeeded", good.ToString());
        var output = good.GetProperty("steps")[0].GetProperty("output");
        Assert.Equal("leo-oscar", output.GetProperty("pose").GetString());
        Assert.True(output.GetProperty("poseSimilarity").GetDouble() >= 0.75, output.ToString());
        Assert.True(output.GetProperty("similarity").GetDouble() >= 0.4, output.ToString());

        var bad = items[0];
        Assert.Equal("failed", bad.GetProperty("status").GetString());
        Assert.Contains("another person", bad.GetProperty("error").GetString());
        Assert.Equal("failed", batch.GetProperty("status").GetString());

        // What fal got: flux-general with the identity's LoRA and the pose ControlNet.
        var calls = server.Fal.Jobs.Values.Where(j => j.Model == "fal-ai/flux-general").ToList();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, c => Assert.Equal("pose", c.Input["controlnet_unions"]![0]!["controls"]![0]!["control_mode"]!.GetValue<string>()));
        Assert.All(calls, c => Assert.EndsWith("lora.safetensors", c.Input["loras"]![0]!["path"]!.GetValue<string>()));

        using (var zip = new ZipArchive(new MemoryStream(await alice.GetByteArrayAsync($"/jobs/{started.Id()}/results"))))
        {
            Assert.Contains(zip.Entries, e => e.FullName.EndsWith("leo-oscar.png"));
            using var errors = JsonDocument.Parse(zip.GetEntry("errors.json")!.Open());
            Assert.Single(errors.RootElement.EnumerateArray());
        }
        var sheet = await alice.GetAsync($"/identities/{identity}/avatars/{started.Id()}/sheet");
        Assert.Equal(HttpStatusCode.OK, sheet.StatusCode);
        Assert.Equal("image/png", sheet.Content.Headers.ContentType!.MediaType);
        var image = ImageCodec.Decode(await sheet.Content.ReadAsByteArrayAsync(), "sheet");
        Assert.True(image.Width >= 2 * 256, $"{image.Width}x{image.Height}");

        // Another user sees neither the batch's sheet nor the identity.
        await (await server.Bob().GetAsync($"/identities/{identity}/avatars/{started.Id()}/sheet")).Problem(HttpStatusCode.NotFound);
    }

    [SkippableFact]
    public async Task Avatars_need_a_trained_lora_known_poses_and_a_sane_count()
    {
        var alice = server.Alice();
        var untrained = await LeoAsync(alice, train: false);
        var problem = await (await alice.PostJson($"/identities/{untrained}/avatars", new { prompt = "p", poses = new[] { "golf-swing" } })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("train one first", problem.ToString());

        problem = await (await alice.PostJson($"/identities/{untrained}/avatars", new { prompt = "p", poses = new[] { "moonwalk" } })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("no pose 'moonwalk'", problem.Detail());
        problem = await (await alice.PostJson($"/identities/{untrained}/avatars", new { prompt = "p", count = 500 })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("1..100", problem.Detail());
        problem = await (await alice.PostJson($"/identities/{untrained}/avatars", new { prompt = "p", count = 10, category = "sitting" })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("sitting poses", problem.Detail());
        problem = await (await alice.PostJson($"/identities/{untrained}/avatars", new { prompt = "p" })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("give `poses`", problem.Detail());
    }
}
