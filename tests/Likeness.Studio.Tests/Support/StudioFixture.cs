using Likeness.Server.Tests.Support;
using Microsoft.Playwright;

namespace Likeness.Studio.Tests.Support;

/// <summary>
/// A real `likeness serve` (SQLite, loopback, users alice and bob) and Debian's Chromium driven headless by Playwright.
/// Chromium comes from `tools/install.sh` (apt package `chromium`); Playwright's own browser download is never used.
/// </summary>
public sealed class StudioFixture : ServerFixture
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public override async Task InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable("LIKENESS_CHROMIUM") is { Length: > 0 } env ? env : ChromiumPath;
        if (!File.Exists(executable))
            throw new InvalidOperationException($"{executable} is missing: the studio tests drive Debian's Chromium; run tools/install.sh (apt-get install chromium) or set LIKENESS_CHROMIUM.");
        await base.InitializeAsync();
        Directory.CreateDirectory(Screenshots);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            // As root Chromium needs --no-sandbox; the rest keep it from calling out of this closed network at start.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh browser context (its own session storage) at the given viewport; uncaught page errors are collected.</summary>
    public async Task<StudioPage> OpenAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height }, AcceptDownloads = true, BaseURL = BaseAddress.ToString(),
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        return new StudioPage(this, context, page);
    }

    public override async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        await base.DisposeAsync();
    }
}

[CollectionDefinition("Studio")]
public sealed class StudioCollection : ICollectionFixture<StudioFixture>;

public sealed class StudioPage : IAsyncDisposable
{
    readonly StudioFixture fixture;
    readonly List<string> errors = [];
    public IBrowserContext Context { get; }
    public IPage Page { get; }

    public StudioPage(StudioFixture fixture, IBrowserContext context, IPage page)
    {
        this.fixture = fixture;
        Context = context;
        Page = page;
        page.PageError += (_, e) => { lock (errors) errors.Add(e); };
    }

    /// <summary>Script errors the pages threw (a studio bug, whatever the page shows).</summary>
    public IReadOnlyList<string> Errors { get { lock (errors) return errors.ToList(); } }

    /// <summary>Signs in through the sign-in form, as a person would.</summary>
    public async Task SignInAsync(string token, string path = "/")
    {
        await Page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Commit });
        await Page.WaitForURLAsync(u => u.Contains("/studio/signin"), new() { WaitUntil = WaitUntilState.Commit });
        await Page.FillAsync("#token", token);
        await Page.ClickAsync("#signin-form button[type=submit]");
        await Page.WaitForURLAsync(u => !u.Contains("/studio/signin"), new() { WaitUntil = WaitUntilState.Commit });
        await Page.Locator("#who").Filter(new() { HasTextString = "Signed in as" }).WaitForAsync();
    }

    public Task ScreenshotAsync(string name) =>
        Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(fixture.Screenshots, name + ".png"), FullPage = true });

    public void AssertNoScriptErrors() => Assert.True(Errors.Count == 0, "the studio threw script errors: " + string.Join(" | ", Errors));

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
