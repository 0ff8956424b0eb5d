using Likeness.Server.Tests.Support;
using Microsoft.Playwright;

namespace Likeness.Studio.Tests.Support;

/// <summary>
/// Debian's Chromium driven headless by Playwright. Chromium comes from `tools/install.sh` (apt package `chromium`);
/// Playwright's own browser download is never used.
/// </summary>
public sealed class StudioBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    IPlaywright playwright = null!;
    IBrowser browser = null!;
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public static async Task<StudioBrowser> LaunchAsync()
    {
        var executable = Environment.GetEnvironmentVariable("LIKENESS_CHROMIUM") is { Length: > 0 } env ? env : ChromiumPath;
        if (!File.Exists(executable))
            throw new InvalidOperationException($"{executable} is missing: the studio tests drive Debian's Chromium; run tools/install.sh (apt-get install chromium) or set LIKENESS_CHROMIUM.");
        Directory.CreateDirectory(Screenshots);
        var b = new StudioBrowser { playwright = await Playwright.CreateAsync() };
        b.browser = await b.playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            // As root Chromium needs --no-sandbox; the rest keep it from calling out of this closed network at start.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
        return b;
    }

    /// <summary>A fresh browser context (its own session storage) on the server at the given viewport.</summary>
    public async Task<StudioPage> OpenAsync(Uri server, int width, int height)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height }, AcceptDownloads = true, BaseURL = server.ToString(),
        });
        context.SetDefaultTimeout(30_000);
        return new StudioPage(context, await context.NewPageAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null) await browser.DisposeAsync();
        playwright?.Dispose();
    }
}

/// <summary>A real `likeness serve` (SQLite, loopback, users alice and bob) and the browser.</summary>
public sealed class StudioFixture : ServerFixture
{
    StudioBrowser browser = null!;
    public string Screenshots => StudioBrowser.Screenshots;

    public override async Task InitializeAsync()
    {
        browser = await StudioBrowser.LaunchAsync();
        await base.InitializeAsync();
    }

    public Task<StudioPage> OpenAsync(int width = 1280, int height = 900) => browser.OpenAsync(BaseAddress, width, height);

    public override async Task DisposeAsync()
    {
        if (browser is not null) await browser.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>The same with fal.ai and Gemini pointed at the loopback fakes (which answer with real photos the test picks).</summary>
public sealed class StudioProviderFixture : ProviderServerFixture
{
    StudioBrowser browser = null!;

    public override async Task InitializeAsync()
    {
        browser = await StudioBrowser.LaunchAsync();
        await base.InitializeAsync();
    }

    public Task<StudioPage> OpenAsync(int width = 1280, int height = 900) => browser.OpenAsync(BaseAddress, width, height);

    public override async Task DisposeAsync()
    {
        if (browser is not null) await browser.DisposeAsync();
        await base.DisposeAsync();
    }
}

[CollectionDefinition("Studio")]
public sealed class StudioCollection : ICollectionFixture<StudioFixture>;

public sealed class StudioPage : IAsyncDisposable
{
    readonly List<string> errors = [];
    public IBrowserContext Context { get; }
    public IPage Page { get; }

    public StudioPage(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        page.PageError += (_, e) => { lock (errors) errors.Add(e); };
        page.Console += (_, m) => { lock (console) console.Add($"{m.Type}: {m.Text}"); };
        page.RequestFinished += (_, r) => { lock (requests) requests.Add($"{r.Method} {new Uri(r.Url).PathAndQuery}"); };
        page.RequestFailed += (_, r) => { lock (requests) requests.Add($"FAILED {r.Method} {new Uri(r.Url).PathAndQuery} {r.Failure}"); };
    }

    readonly List<string> console = [];
    readonly List<string> requests = [];
    /// <summary>What the page logged and fetched: for a failure message, the only clue a CI log can carry.</summary>
    public IReadOnlyList<string> Console { get { lock (console) return console.ToList(); } }
    public IReadOnlyList<string> Requests { get { lock (requests) return requests.TakeLast(30).ToList(); } }

    /// <summary>Script errors the pages threw (a studio bug, whatever the page shows).</summary>
    public IReadOnlyList<string> Errors { get { lock (errors) return errors.ToList(); } }

    /// <summary>Signs in through the sign-in form, as a person would.</summary>
    public async Task SignInAsync(string token, string path = "/")
    {
        await Page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Commit });
        try
        {
            await WaitForUrlAsync(u => u.Contains("/studio/signin"));
        }
        catch (TimeoutException e)
        {
            await ScreenshotAsync("signin-redirect-timeout-" + Guid.NewGuid().ToString("N")[..8]);
            throw new TimeoutException($"{path} did not send the signed-out browser to the sign-in page: at {Page.Url}; console: {string.Join(" | ", Console)}; " +
                $"requests: {string.Join(" | ", Requests)}", e);
        }
        await Page.FillAsync("#token", token);
        await Page.ClickAsync("#signin-form button[type=submit]");
        try
        {
            await WaitForUrlAsync(u => !u.Contains("/studio/signin"));
        }
        catch (TimeoutException e)
        {
            // What the page showed when sign-in did not lead anywhere: the only clue a CI log can carry.
            await ScreenshotAsync("signin-timeout-" + Guid.NewGuid().ToString("N")[..8]);
            var shown = await Page.EvaluateAsync<string>(@"() => [location.href,
                'error: ' + (document.getElementById('page-error')?.innerText || '(none)'),
                'button disabled: ' + document.getElementById('signin-button')?.disabled,
                'token length: ' + (document.getElementById('token')?.value.length ?? -1)].join(' | ')");
            throw new TimeoutException($"sign-in did not leave the sign-in page: {shown}; console: {string.Join(" | ", Console)}; requests: {string.Join(" | ", Requests)}", e);
        }
        await Page.Locator("#who").Filter(new() { HasTextString = "Signed in as" }).WaitForAsync();
    }

    /// <summary>
    /// Waits until the page's URL matches, polling <see cref="IPage.Url"/> (updated on every committed navigation).
    /// Playwright's WaitForURLAsync missed a script's location.assign that committed while it was being set up: the page
    /// stood at the sign-in URL and the wait still timed out (seen 1 run in 4 here, and in CI stop 24).
    /// </summary>
    public async Task WaitForUrlAsync(Func<string, bool> matches, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!matches(Page.Url))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the page stayed at {Page.Url}");
            await Task.Delay(50);
        }
    }

    /// <summary>Drops files on an element the way a browser does for a drag from the desktop: dragover, then drop with a DataTransfer.</summary>
    public async Task DropFilesAsync(string selector, IEnumerable<FilePayload> files)
    {
        var payload = files.Select(f => new { name = f.Name, type = f.MimeType, data = Convert.ToBase64String(f.Buffer) }).ToArray();
        var transfer = await Page.EvaluateHandleAsync(@"files => {
            const dt = new DataTransfer();
            for (const f of files) {
                const bytes = Uint8Array.from(atob(f.data), c => c.charCodeAt(0));
                dt.items.add(new File([bytes], f.name, { type: f.type }));
            }
            return dt;
        }", payload);
        await Page.DispatchEventAsync(selector, "dragover", new { dataTransfer = transfer });
        await Page.DispatchEventAsync(selector, "drop", new { dataTransfer = transfer });
    }

    public Task ScreenshotAsync(string name) =>
        Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(StudioBrowser.Screenshots, name + ".png"), FullPage = true });

    public void AssertNoScriptErrors() => Assert.True(Errors.Count == 0, "the studio threw script errors: " + string.Join(" | ", Errors));

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
