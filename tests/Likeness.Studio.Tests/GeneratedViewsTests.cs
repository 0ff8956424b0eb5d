using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;
using Likeness.Providers.Tests.Fakes;
using Likeness.Server.Tests.Support;
using Likeness.Studio.Tests.Support;

namespace Likeness.Studio.Tests;

/// <summary>
/// With a provider configured (the loopback Gemini, answering with real photos the test picks), the identity page
/// generates the missing views; the server's likeness gate decides which answers become views, and the providers page
/// then shows the calls and their cost.
/// </summary>
public sealed class GeneratedViewsTests(StudioProviderFixture server) : IClassFixture<StudioProviderFixture>
{
    const string Leo = "identity/leonardo_dicaprio/";

    static byte[] Mirrored(string relative) =>
        ImageCodec.Encode(ImageCodec.Decode(TestPhotos.Shared(relative), relative).FlipHorizontal(), ImageFormat.Png, new EncodeOptions { FastPngCompression = true });

    [SkippableFact]
    public async Task Generate_missing_views_from_the_identity_page_keeps_only_what_passes_the_gate()
    {
        using var alice = server.Alice();
        var id = await alice.CreateIdentityAsync("Leo");
        foreach (var name in new[] { "img35.jpg", "img36.jpg", "img37.jpg" })
        {
            using var form = new MultipartFormDataContent { { new ByteArrayContent(TestPhotos.Shared(Leo + name)), "photos", name } };
            Assert.Equal(HttpStatusCode.Created, (await alice.PostAsync($"/identities/{id}/photos", form)).StatusCode);
        }
        // Per missing view, in the order the views job asks (3 attempts each): someone else for profile-left every time;
        // for three-quarter-left first the mirror image, then the real one; three-quarter-right is the mirror of that;
        // profile-right shows two people every time.
        var angelina = TestPhotos.Shared("identity/angelina_jolie/img11.jpg");
        var couple = TestPhotos.Shared("portraits/deepface/couple.jpg");
        server.Gemini.Replies.Clear();
        foreach (var reply in new[] { angelina, angelina, angelina, Mirrored(Leo + "img34.jpg"), TestPhotos.Shared(Leo + "img34.jpg"), Mirrored(Leo + "img34.jpg"), couple, couple, couple })
            server.Gemini.Replies.Enqueue(FakeReply.Image(reply));

        await using var studio = await server.OpenAsync();
        var page = studio.Page;
        await studio.SignInAsync(server.AliceToken, $"/studio/identities/{id}");
        await page.Locator("#generate-views:not([disabled])").WaitForAsync();
        await page.SelectOptionAsync("#views-matting", "fast");
        await page.ClickAsync("#generate-views");
        await page.Locator("#views-job .note").Filter(new() { HasTextString = "The views are ready" }).WaitForAsync(new() { Timeout = 300_000 });

        foreach (var angle in new[] { "three-quarter-left", "three-quarter-right" })
        {
            var tile = page.Locator($"#views-grid li[data-angle='{angle}']");
            await tile.WaitForAsync();
            Assert.Matches(@"generated, similarity 0\.\d\d", await tile.InnerTextAsync());
        }
        // The gate's reasons, not a guess: someone else on the left, two people on the right.
        var profileLeft = await page.Locator("#views-grid li.missing[data-angle='profile-left']").InnerTextAsync();
        Assert.Contains("not made", profileLeft);
        Assert.DoesNotContain("no photo at this angle", profileLeft);
        Assert.Contains("people in the image", await page.Locator("#views-grid li.missing[data-angle='profile-right']").InnerTextAsync());
        Assert.Matches(@"from img3\d\.jpg", await page.Locator("#views-grid li[data-angle='front']").InnerTextAsync());
        await studio.ScreenshotAsync("identity-generated-views");

        // Every call is in the ledger, and the providers page shows Gemini healthy with them.
        await page.GotoAsync("/studio/providers");
        var gemini = page.Locator("#provider-rows tr[data-provider='gemini']");
        await gemini.Filter(new() { HasTextString = "9 calls" }).WaitForAsync();
        Assert.Contains("healthy", await gemini.InnerTextAsync());
        Assert.DoesNotContain("$0.00", await page.InnerTextAsync("#spent"));
        await studio.ScreenshotAsync("providers-after-generation");
        studio.AssertNoScriptErrors();
    }
}
