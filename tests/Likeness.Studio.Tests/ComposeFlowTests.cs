using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Likeness.Imaging.Codecs;
using Likeness.Server.Tests.Support;
using Likeness.Studio.Tests.Support;
using Microsoft.Playwright;

namespace Likeness.Studio.Tests;

[Collection("Studio")]
public sealed class ComposeFlowTests(StudioFixture server)
{
    [Fact]
    public async Task Compose_the_astronaut_into_the_rocket_scene_drag_the_person_run_and_download()
    {
        await using var studio = await server.OpenAsync();
        var page = studio.Page;
        await studio.SignInAsync(server.AliceToken, "/studio/compose");

        // Upload the two bundled samples from the page itself.
        await page.SetInputFilesAsync("#person-upload", new FilePayload { Name = "astronaut.png", MimeType = "image/png", Buffer = TestPhotos.Sample("astronaut.png") });
        await page.WaitForFunctionAsync("() => document.querySelector('#person').selectedOptions[0]?.textContent.startsWith('astronaut.png')");
        await page.SetInputFilesAsync("#scene-upload", new FilePayload { Name = "rocket.jpg", MimeType = "image/jpeg", Buffer = TestPhotos.Sample("rocket.jpg") });

        // Both chosen: the automatic placement preview appears by itself.
        var placement = page.Locator("#placement-text");
        await placement.Filter(new() { HasTextString = "Automatic placement" }).WaitForAsync(new() { Timeout = 90_000 });
        Assert.False(await page.IsDisabledAsync("#scale"));
        await studio.ScreenshotAsync("compose-preview");

        // Where the person is, from the same preview the page got; then drag them left by a fifth of the scene.
        using var alice = server.Alice();
        var personId = await page.InputValueAsync("#person");
        var sceneId = await page.InputValueAsync("#scene");
        var preview = JsonDocument.Parse(await (await alice.PostAsJsonAsync("/compose/preview", new { personAssetId = personId, sceneAssetId = sceneId, matting = "quality" }))
            .Content.ReadAsStringAsync()).RootElement.GetProperty("placement");
        double autoX = preview.GetProperty("x").GetDouble(), autoY = preview.GetProperty("y").GetDouble();
        var box = (await page.Locator("#canvas").BoundingBoxAsync())!;
        float startX = (float)(box.X + autoX * box.Width), startY = (float)(box.Y + autoY * box.Height);
        await page.Mouse.MoveAsync(startX, startY);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(startX - box.Width * 0.1f, startY, new() { Steps = 5 });
        await page.Mouse.MoveAsync(startX - box.Width * 0.2f, startY, new() { Steps = 5 });
        await page.Mouse.UpAsync();
        Assert.Contains("Placed by you", await placement.InnerTextAsync());

        // Run: live progress, then the result with its report.
        await page.FillAsync("#shadow", "0.3");
        await page.ClickAsync("#run");
        await page.Locator("#compose-job progress").WaitForAsync();
        await page.Locator("#result:not([hidden])").WaitForAsync(new() { Timeout = 120_000 });
        await page.WaitForFunctionAsync("() => document.querySelector('#result-image').naturalWidth > 0");
        var report = await page.InnerTextAsync("#report");
        Assert.Contains("same person", report);
        Assert.Matches(@"Face share of the width\s+\d+ %", report);
        await studio.ScreenshotAsync("compose-result");

        // The drag reached the server: the job ran with the explicit placement, a fifth to the left of the automatic one.
        var jobId = (await page.GetAttributeAsync("#result-job", "href"))!.Split('/').Last();
        var job = JsonDocument.Parse(await alice.GetStringAsync($"/jobs/{jobId}")).RootElement;
        var sent = job.GetProperty("input").GetProperty("placement").GetString()!.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.InRange(sent[0], autoX - 0.23, autoX - 0.17);
        Assert.InRange(sent[1], autoY - 0.03, autoY + 0.03);
        Assert.Equal(0.3, job.GetProperty("input").GetProperty("shadow").GetDouble(), 3);
        Assert.Equal("explicit", job.GetProperty("steps")[0].GetProperty("output").GetProperty("placement").GetProperty("method").GetString(), ignoreCase: true);

        // Before/after, and the download is the composite itself.
        var after = await page.GetAttributeAsync("#result-image", "src");
        await page.ClickAsync("#before-after");
        Assert.Equal("true", await page.GetAttributeAsync("#before-after", "aria-pressed"));
        Assert.NotEqual(after, await page.GetAttributeAsync("#result-image", "src"));
        await page.ClickAsync("#before-after");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download-result"));
        Assert.EndsWith(".png", download.SuggestedFilename);
        var saved = Path.Combine(server.Screenshots, "downloaded-" + download.SuggestedFilename);
        await download.SaveAsAsync(saved);
        var image = ImageCodec.Decode(await File.ReadAllBytesAsync(saved));
        var width = job.GetProperty("steps")[0].GetProperty("output").GetProperty("width").GetInt32();
        Assert.Equal(width, image.Width);
        studio.AssertNoScriptErrors();
    }

    [SkippableFact]
    public async Task A_close_face_crop_is_refused_at_preview_with_the_reason_in_words()
    {
        await using var studio = await server.OpenAsync();
        var page = studio.Page;
        await studio.SignInAsync(server.AliceToken, "/studio/compose");
        // The face alone (img6.jpg's face box, as in the server's compose tests): compose would paste a floating head.
        var photo = ImageCodec.Decode(TestPhotos.Shared("identity/angelina_jolie/img6.jpg"));
        var crop = Likeness.Imaging.Transforms.Geometry.Crop(photo, new Likeness.Imaging.Rect(103, 210, 564, 564));
        await page.SetInputFilesAsync("#person-upload", new FilePayload { Name = "close.png", MimeType = "image/png", Buffer = ImageCodec.Encode(crop, ImageFormat.Png) });
        await page.WaitForFunctionAsync("() => document.querySelector('#person').value !== ''");
        await page.CheckAsync("input[name='bg-kind'][value='colour']");
        var error = page.Locator("#page-error .error");
        await error.WaitForAsync(new() { Timeout = 90_000 });
        var text = await error.InnerTextAsync();
        Assert.Contains("The person cannot be placed", text);
        Assert.Contains("close face crop", text);
        await studio.ScreenshotAsync("compose-close-crop");
        studio.AssertNoScriptErrors();
    }
}
