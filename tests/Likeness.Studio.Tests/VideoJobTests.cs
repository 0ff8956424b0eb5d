using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Likeness.Server.Tests.Support;
using Likeness.Studio.Tests.Support;

namespace Likeness.Studio.Tests;

/// <summary>
/// A `video` job (image-to-video through the loopback fal.ai, which answers with a real clip of the person) shows its
/// result on the job page as a video that plays in the browser, beside the gate's verdict in the step output.
/// </summary>
public sealed class VideoJobTests(StudioProviderFixture server) : IClassFixture<StudioProviderFixture>
{
    [SkippableFact]
    public async Task The_job_page_plays_the_video_the_gate_accepted()
    {
        using var alice = server.Alice();
        var id = await alice.CreateIdentityAsync("Barack");
        foreach (var frame in new[] { "frame_0000.jpg", "frame_0025.jpg", "frame_0050.jpg" })
        {
            using var photos = new MultipartFormDataContent { { new ByteArrayContent(TestPhotos.Shared("video/frames_obama/" + frame)), "photos", frame } };
            Assert.Equal(HttpStatusCode.Created, (await alice.PostAsync($"/identities/{id}/photos", photos)).StatusCode);
        }
        using var upload = new MultipartFormDataContent
        {
            { new ByteArrayContent(TestPhotos.Shared("video/frames_obama/frame_0010.jpg")), "file", "first.jpg" },
            { new StringContent("SCENE_IMAGE"), "type" },
        };
        var asset = JsonDocument.Parse(await (await alice.PostAsync("/assets", upload)).Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        server.Fal.Script = ["COMPLETED"];
        server.Fal.ImageReplies.Clear();
        server.Fal.ImageReplies.Enqueue(TestPhotos.Shared("video/obama.mp4"));
        var started = await alice.PostAsJsonAsync("/jobs", new { kind = "video", input = new { operation = "image-to-video", identityId = id, imageAssetId = asset, prompt = "he nods", seconds = 5 } });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var job = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();

        await using var studio = await server.OpenAsync();
        var page = studio.Page;
        await studio.SignInAsync(server.AliceToken, $"/studio/jobs/{job}");
        var video = page.Locator("#steps video");
        await video.WaitForAsync(new() { Timeout = 180_000 });
        // Decoded by the browser, not only placed: its duration is known once the metadata has loaded.
        var duration = await page.WaitForFunctionAsync("() => { const v = document.querySelector('#steps video'); return v && v.readyState >= 1 && v.duration > 0 ? v.duration : null; }",
            null, new() { Timeout = 30_000 });
        Assert.True(await duration.JsonValueAsync<double>() > 1);
        Assert.Contains("\"passed\": true", await page.Locator("#steps details pre").TextContentAsync());
        // A finished job offers its download, not cancel or retry.
        Assert.True(await page.IsVisibleAsync("#download"));
        Assert.False(await page.IsVisibleAsync("#cancel"));
        Assert.False(await page.IsVisibleAsync("#retry"));
        await studio.ScreenshotAsync("video-job");
        studio.AssertNoScriptErrors();
    }
}
