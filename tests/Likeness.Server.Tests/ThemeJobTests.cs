using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Providers.Tests.Fakes;
using Likeness.Server.Tests.Support;

namespace Likeness.Server.Tests;

/// <summary>
/// The `theme` job over real HTTP: fal.ai's inpaint is played by the loopback fake, which here behaves like an inpaint
/// model — it changes exactly the pixels the mask it received allows (colours inverted) — or, when asked, returns the
/// photo untouched; the theme gate judges those pixels.
/// </summary>
public sealed class ThemeJobTests : IClassFixture<ProviderServerFixture>
{
    const string Jack = "identity/jack_dorsey/img17.jpg";
    readonly ProviderServerFixture server;

    public ThemeJobTests(ProviderServerFixture server)
    {
        this.server = server;
        server.Fal.Script = ["COMPLETED"];
        server.Fal.ResultOverride = null;
        server.Fal.ImageReplies.Clear();
        server.Fal.ReplyChooser = null;
    }

    byte[] Uploaded(JsonNode input, string field)
    {
        var url = input[field]!.GetValue<string>();
        return server.Fal.Uploads[url[(url.LastIndexOf('/') + 1)..]];
    }

    /// <summary>An inpaint that repaints exactly the masked pixels (inverted colours), or nothing.</summary>
    Func<string, JsonNode, byte[]?> Inpaint(bool change) => (model, input) =>
    {
        if (!model.Contains("inpainting")) return null;
        var photo = ImageCodec.Decode(Uploaded(input, "image_url"), "image");
        if (!change) return ImageCodec.Encode(photo, ImageFormat.Png);
        var mask = ImageCodec.Decode(Uploaded(input, "mask_url"), "mask");
        var pixels = photo.Pixels;
        var m = mask.Pixels;
        for (int i = 0; i < pixels.Length; i++)
            if (m[i].R > 128) pixels[i] = new Rgba32((byte)(255 - pixels[i].R), (byte)(255 - pixels[i].G), (byte)(255 - pixels[i].B));
        return ImageCodec.Encode(photo, ImageFormat.Png);
    };

    [SkippableFact]
    public async Task A_theme_job_inpaints_inside_the_mask_keeps_the_face_and_stores_the_result_and_the_mask()
    {
        var alice = server.Alice();
        var photo = await alice.UploadAsset(TestPhotos.Shared(Jack), name: "jack.jpg");
        server.Fal.ReplyChooser = Inpaint(change: true);

        var started = await (await alice.PostJson("/jobs", new { kind = "theme", input = new { assetId = photo.Id(), theme = "doctor", saveMasks = true } })).Json(HttpStatusCode.Accepted);
        var job = await alice.WaitForJob(started.Id(), TimeSpan.FromMinutes(3));
        Assert.True(job.GetProperty("status").GetString() == "succeeded", job.ToString());
        var output = job.GetProperty("steps")[0].GetProperty("output");
        Assert.Equal("doctor", output.GetProperty("theme").GetString());
        Assert.True(output.GetProperty("faceSimilarity").GetDouble() >= 0.8, output.ToString());
        Assert.True(output.GetProperty("maskCoverage").GetDouble() is > 0.02 and < 0.9, output.ToString());

        var themed = ImageCodec.Decode(await alice.GetByteArrayAsync($"/assets/{output.GetProperty("assetId").GetGuid()}/content"), "themed");
        var mask = ImageCodec.Decode(await alice.GetByteArrayAsync($"/assets/{output.GetProperty("maskAssetId").GetGuid()}/content"), "mask");
        var original = ImageCodec.Decode(TestPhotos.Shared(Jack), "jack");
        Assert.Equal((original.Width, original.Height), (themed.Width, themed.Height));
        // Black (kept) where the mask is black: the face centre is untouched, pixel for pixel.
        int unchangedKept = 0, kept = 0;
        for (int y = 0; y < original.Height; y += 4)
            for (int x = 0; x < original.Width; x += 4)
                if (mask[x, y].R == 0) { kept++; if (Math.Abs(themed[x, y].G - original[x, y].G) <= 3) unchangedKept++; }
        Assert.True(unchangedKept >= 0.98 * kept, $"{unchangedKept} of {kept} kept pixels unchanged");
        Assert.Contains(server.Fal.Jobs.Values, j => j.Model == "fal-ai/flux-lora/inpainting" && j.Input["prompt"]!.GetValue<string>().Contains("white lab coat"));
    }

    [SkippableFact]
    public async Task A_provider_that_changes_nothing_fails_the_theme_with_the_reason()
    {
        var alice = server.Alice();
        var photo = await alice.UploadAsset(TestPhotos.Shared(Jack), name: "jack.jpg");
        server.Fal.ReplyChooser = Inpaint(change: false);
        var started = await (await alice.PostJson("/jobs", new { kind = "theme", input = new { assetId = photo.Id(), theme = "outfit-formal", attempts = 2 } })).Json(HttpStatusCode.Accepted);
        var job = await alice.WaitForJob(started.Id(), TimeSpan.FromMinutes(3));
        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Contains("theme was not applied", job.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Themes_and_poses_are_listed_and_bad_theme_inputs_are_refused()
    {
        var alice = server.Alice();
        var themes = (await (await alice.GetAsync("/themes")).Json(HttpStatusCode.OK)).EnumerateArray().ToList();
        Assert.True(themes.Count >= 30);
        var professions = (await (await alice.GetAsync("/themes?kind=profession")).Json(HttpStatusCode.OK)).EnumerateArray().ToList();
        Assert.True(professions.Count >= 12);
        var poses = (await (await alice.GetAsync("/poses?category=walking")).Json(HttpStatusCode.OK)).EnumerateArray().ToList();
        Assert.NotEmpty(poses);
        Assert.Equal(18, poses[0].GetProperty("keypoints").GetArrayLength());

        var photo = await alice.UploadAsset(TestPhotos.Face(), name: "face.png");
        var problem = await (await alice.PostJson("/jobs", new { kind = "theme", input = new { assetId = photo.Id(), theme = "wizard" } })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("likeness theme list", problem.ToString());
        problem = await (await server.Bob().PostJson("/jobs", new { kind = "theme", input = new { assetId = photo.Id(), theme = "doctor" } })).Problem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("does not exist for this user", problem.ToString());
    }
}
