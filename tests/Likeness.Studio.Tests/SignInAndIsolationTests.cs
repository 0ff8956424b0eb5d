using System.Net.Http.Json;
using System.Text.Json;
using Likeness.Server.Tests.Support;
using Likeness.Studio.Tests.Support;
using Microsoft.Playwright;

namespace Likeness.Studio.Tests;

[Collection("Studio")]
public sealed class SignInAndIsolationTests(StudioFixture server)
{
    [Fact]
    public async Task Sign_in_refuses_an_unknown_token_in_words_and_keeps_the_token_out_of_urls()
    {
        await using var studio = await server.OpenAsync();
        var page = studio.Page;
        await page.GotoAsync("/studio/jobs");
        await studio.WaitForUrlAsync(u => u.Contains("/studio/signin"));
        Assert.Contains("next=%2Fstudio%2Fjobs", page.Url);

        // The token field has no name: a form submitted before the script runs cannot carry it into a URL.
        Assert.Null(await page.GetAttributeAsync("#token", "name"));
        await page.FillAsync("#token", "lk_not-a-real-token");
        await page.ClickAsync("#signin-form button[type=submit]");
        var error = page.Locator("#page-error .error");
        await error.WaitForAsync();
        Assert.Contains("not known to this server", await error.InnerTextAsync());
        await studio.ScreenshotAsync("signin-refused");

        var urls = new List<string>();
        page.Request += (_, r) => urls.Add(r.Url);
        await page.FillAsync("#token", server.AliceToken);
        await page.ClickAsync("#signin-form button[type=submit]");
        await studio.WaitForUrlAsync(u => u.EndsWith("/studio/jobs"));
        await page.Locator("#who").Filter(new() { HasTextString = "Signed in as alice" }).WaitForAsync();
        Assert.DoesNotContain(urls, u => u.Contains(server.AliceToken, StringComparison.Ordinal));
        Assert.DoesNotContain(server.AliceToken, page.Url);

        // Sign out forgets the token: the next page asks again.
        await page.ClickAsync("#sign-out");
        await studio.WaitForUrlAsync(u => u.Contains("/studio/signin"));
        await page.GotoAsync("/");
        await studio.WaitForUrlAsync(u => u.Contains("/studio/signin"));
        studio.AssertNoScriptErrors();
    }

    [Fact]
    public async Task A_second_user_sees_none_of_the_first_users_identities()
    {
        using var alice = server.Alice();
        var id = await alice.CreateIdentityAsync("Alice Private");

        await using var studio = await server.OpenAsync();
        await studio.SignInAsync(server.BobToken);
        await studio.Page.Locator("#identity-list:not([aria-busy])").WaitForAsync();
        Assert.DoesNotContain("Alice Private", await studio.Page.InnerTextAsync("#identity-list"));

        await studio.Page.GotoAsync($"/studio/identities/{id}");
        var error = studio.Page.Locator("#page-error .error");
        await error.WaitForAsync();
        var text = await error.InnerTextAsync();
        Assert.Contains("not found", text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Identity not found", await studio.Page.InnerTextAsync("#identity-name"));
        Assert.DoesNotContain("Alice Private", await studio.Page.ContentAsync());
        await studio.ScreenshotAsync("isolation-bob");
        studio.AssertNoScriptErrors();
    }
}
