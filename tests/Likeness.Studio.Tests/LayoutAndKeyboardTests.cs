using System.Net.Http.Json;
using System.Text.Json;
using Likeness.Server.Tests.Support;
using Likeness.Studio.Tests.Support;
using Microsoft.Playwright;

namespace Likeness.Studio.Tests;

[Collection("Studio")]
public sealed class LayoutAndKeyboardTests(StudioFixture server)
{
    [Fact]
    public async Task Every_page_fits_a_375_px_phone_without_sideways_scrolling()
    {
        using var alice = server.Alice();
        var identityId = await alice.CreateIdentityAsync("Phone Check");
        var job = await alice.PostAsJsonAsync("/jobs", new { kind = "test-steps", input = new { stepMillis = 10 } });
        job.EnsureSuccessStatusCode();
        var jobId = JsonDocument.Parse(await job.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();

        await using var studio = await server.OpenAsync(375, 812);
        var page = studio.Page;
        await studio.SignInAsync(server.AliceToken);
        foreach (var (path, name) in new[] { ("/", "identities"), ($"/studio/identities/{identityId}", "identity"), ("/studio/compose", "compose"), ("/studio/jobs", "jobs"),
                     ($"/studio/jobs/{jobId}", "job"), ("/studio/gallery", "gallery"), ("/studio/providers", "providers") })
        {
            await page.GotoAsync(path);
            await page.Locator("#who").Filter(new() { HasTextString = "Signed in as" }).WaitForAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{path} is {overflow} px wider than a 375 px screen");
            await studio.ScreenshotAsync($"phone-{name}");
        }
        studio.AssertNoScriptErrors();
    }

    [Fact]
    public async Task The_compose_page_works_from_the_keyboard_alone()
    {
        await using var studio = await server.OpenAsync();
        var page = studio.Page;
        await studio.SignInAsync(server.AliceToken, "/studio/compose");
        // The skip link is the first stop and lands on the content.
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to content", await page.EvaluateAsync<string>("() => document.activeElement.textContent"));

        await page.SetInputFilesAsync("#person-upload", new FilePayload { Name = "astronaut.png", MimeType = "image/png", Buffer = TestPhotos.Sample("astronaut.png") });
        await page.WaitForFunctionAsync("() => document.querySelector('#person').value !== ''");
        await page.SetInputFilesAsync("#scene-upload", new FilePayload { Name = "rocket.jpg", MimeType = "image/jpeg", Buffer = TestPhotos.Sample("rocket.jpg") });
        await page.Locator("#placement-text").Filter(new() { HasTextString = "Automatic placement" }).WaitForAsync(new() { Timeout = 90_000 });

        await page.FocusAsync("#canvas");
        for (var i = 0; i < 5; i++) await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync("Shift+ArrowUp");
        await page.Keyboard.PressAsync("]");
        var text = await page.InnerTextAsync("#placement-text");
        Assert.Contains("Placed by you", text);
        Assert.Contains("rotated 2°", text);
        Assert.Equal("2", await page.InputValueAsync("#rotation"));
        // Back to automatic undoes it.
        await page.FocusAsync("#auto");
        await page.Keyboard.PressAsync("Enter");
        Assert.Contains("Automatic placement", await page.InnerTextAsync("#placement-text"));
        studio.AssertNoScriptErrors();
    }
}
