using System.Net.Http.Json;
using System.Text.Json;
using Likeness.Server.Tests.Support;
using Likeness.Studio.Tests.Support;
using Microsoft.Playwright;

namespace Likeness.Studio.Tests;

[Collection("Studio")]
public sealed class IdentityFlowTests(StudioFixture server)
{
    static FilePayload Photo(string name, string shared) =>
        new() { Name = name, MimeType = "image/jpeg", Buffer = TestPhotos.Shared(shared) };

    [SkippableFact]
    public async Task Create_an_identity_upload_five_photos_see_someone_else_and_no_face_refused_then_add_the_rest_and_make_views()
    {
        FilePayload[] photos =
        [
            Photo("angelina-1.jpg", "identity/angelina_jolie/img11.jpg"),
            Photo("angelina-2.jpg", "identity/angelina_jolie/img2.jpg"),
            Photo("elon.jpg", "identity/elon_musk/img18.jpg"),
            Photo("angelina-3.jpg", "identity/angelina_jolie/img6.jpg"),
            Photo("beach.jpg", "backgrounds/background_removal/beach.jpg"),
        ];
        await using var studio = await server.OpenAsync();
        var page = studio.Page;
        await studio.SignInAsync(server.AliceToken);

        // Create, with the consent checkbox required.
        await page.FillAsync("#name", "Angelina");
        await page.ClickAsync("#new-identity button[type=submit]");
        Assert.Contains("/", page.Url); // the browser refuses the form while consent is unticked
        Assert.False(await page.EvalOnSelectorAsync<bool>("#new-identity", "f => f.checkValidity()"));
        await page.CheckAsync("#consent");
        await page.ClickAsync("#new-identity button[type=submit]");
        await studio.WaitForUrlAsync(u => u.Contains("/studio/identities/"));
        var id = page.Url.Split('/').Last();
        await page.Locator("#identity-name").Filter(new() { HasTextString = "Angelina" }).WaitForAsync();

        // Five photos dropped at once: each gets its own verdict; none are stored because two fail.
        await studio.DropFilesAsync("#drop", photos);
        var heading = page.Locator("#upload-results h3").Filter(new() { HasTextString = "refused" });
        await heading.WaitForAsync(new() { Timeout = 120_000 });
        Assert.Equal("2 of 5 refused, so none were added", await heading.InnerTextAsync());
        var elon = page.Locator("#upload-results li[data-file='elon.jpg']");
        Assert.Contains("other-person", await elon.GetAttributeAsync("class"));
        Assert.Contains("Someone else?", await elon.InnerTextAsync());
        Assert.Contains("does not look like the same person", await elon.InnerTextAsync());
        var beach = page.Locator("#upload-results li[data-file='beach.jpg']");
        Assert.Contains("refused", await beach.GetAttributeAsync("class"));
        Assert.Contains("no face", await beach.InnerTextAsync(), StringComparison.OrdinalIgnoreCase);
        foreach (var name in new[] { "angelina-1.jpg", "angelina-2.jpg", "angelina-3.jpg" })
            Assert.Contains("passed", await page.Locator($"#upload-results li[data-file='{name}']").GetAttributeAsync("class"));
        await studio.ScreenshotAsync("identity-upload-checks");

        using var alice = server.Alice();
        Assert.Equal(0, JsonDocument.Parse(await alice.GetStringAsync($"/identities/{id}")).RootElement.GetProperty("photos").GetArrayLength());

        await page.ClickAsync("#upload-passed");
        await page.Locator("#upload-results .note").Filter(new() { HasTextString = "3 photos added" }).WaitForAsync(new() { Timeout = 120_000 });
        await page.Locator("#photo-grid li.tile").Nth(2).WaitForAsync();
        Assert.Equal(3, await page.Locator("#photo-grid li.tile").CountAsync());
        var stored = JsonDocument.Parse(await alice.GetStringAsync($"/identities/{id}")).RootElement.GetProperty("photos");
        Assert.Equal(["angelina-1.jpg", "angelina-2.jpg", "angelina-3.jpg"], stored.EnumerateArray().Select(p => p.GetProperty("fileName").GetString()!).Order());

        // The views, with live progress, then each view's yaw and source photo.
        await page.SelectOptionAsync("#views-matting", "fast");
        await page.ClickAsync("#make-views");
        await page.Locator("#views-job progress").WaitForAsync();
        await page.Locator("#views-job .note").Filter(new() { HasTextString = "The views are ready" }).WaitForAsync(new() { Timeout = 240_000 });
        var front = page.Locator("#views-grid li[data-angle='front']");
        await front.WaitForAsync();
        var caption = await front.InnerTextAsync();
        Assert.Matches(@"yaw -?\d+°", caption);
        Assert.Matches(@"from angelina-\d\.jpg", caption);
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#views-grid img')].some(i => i.complete && i.naturalWidth === 1024)");
        Assert.Contains("Ready", await page.InnerTextAsync("#identity-status"));
        await studio.ScreenshotAsync("identity-views");

        // Deleting goes back to the list, and the identity is gone.
        page.Dialog += (_, d) => d.AcceptAsync();
        await page.ClickAsync("#delete-identity");
        await studio.WaitForUrlAsync(u => u.EndsWith('/'));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await alice.GetAsync($"/identities/{id}")).StatusCode);
        studio.AssertNoScriptErrors();
    }
}
