using System.Net.Http.Json;
using System.Text.Json;
using Likeness.Providers;
using Likeness.Providers.Costs;
using Likeness.Server.Data;
using Likeness.Server.Tests.Support;
using Likeness.Studio.Tests.Support;
using Microsoft.Playwright;

namespace Likeness.Studio.Tests;

[Collection("Studio")]
public sealed class JobsAndGalleryTests(StudioFixture server)
{
    static async Task<string> CreateJobAsync(HttpClient client, object input)
    {
        var response = await client.PostAsJsonAsync("/jobs", new { kind = "test-steps", input });
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task A_running_job_shows_live_progress_and_is_canceled_from_the_jobs_page()
    {
        using var alice = server.Alice();
        var id = await CreateJobAsync(alice, new { stepMillis = 600_000 });
        await using var studio = await server.OpenAsync();
        var page = studio.Page;
        await studio.SignInAsync(server.AliceToken, "/studio/jobs");
        var row = page.Locator($"tr[data-job='{id}']");
        await page.Locator($"tr[data-job='{id}'][data-status='running']").WaitForAsync(new() { Timeout = 30_000 });
        await studio.ScreenshotAsync("jobs-running");
        await row.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await page.Locator($"tr[data-job='{id}'][data-status='canceled']").WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal("canceled", JsonDocument.Parse(await alice.GetStringAsync($"/jobs/{id}")).RootElement.GetProperty("status").GetString());

        // Retry from the job's own page: it runs again (followed live), and can be canceled from there too.
        await page.GotoAsync($"/studio/jobs/{id}");
        await page.Locator("#retry:not([hidden])").WaitForAsync();
        await page.Locator("#job-input").Filter(new() { HasTextString = "stepMillis" }).WaitForAsync();
        await studio.ScreenshotAsync("job-canceled");
        await page.ClickAsync("#retry");
        await page.Locator("#job-status .badge.running").WaitForAsync(new() { Timeout = 30_000 });
        Assert.True(await page.IsVisibleAsync("#cancel"));
        await page.ClickAsync("#cancel");
        await page.Locator("#job-status .badge.canceled").WaitForAsync(new() { Timeout = 30_000 });
        var attempts = JsonDocument.Parse(await alice.GetStringAsync($"/jobs/{id}")).RootElement.GetProperty("steps")[0].GetProperty("attempts").GetInt32();
        Assert.True(attempts >= 2, $"the retry ran the step again ({attempts} attempts)");
        studio.AssertNoScriptErrors();
    }

    [Fact]
    public async Task A_page_of_many_running_jobs_stays_responsive_and_every_one_can_be_canceled()
    {
        // More running jobs than a browser has connections to one server: the page must not hold one open per job.
        using var alice = server.Alice();
        var ids = new List<string>();
        for (var i = 0; i < 8; i++) ids.Add(await CreateJobAsync(alice, new { stepMillis = 600_000 }));
        await using var studio = await server.OpenAsync();
        var page = studio.Page;
        await studio.SignInAsync(server.AliceToken, "/studio/jobs");
        foreach (var id in ids) await page.Locator($"tr[data-job='{id}']").WaitForAsync();
        foreach (var id in ids)
        {
            await page.Locator($"tr[data-job='{id}']").GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
            await page.Locator($"tr[data-job='{id}'][data-status='canceled']").WaitForAsync(new() { Timeout = 20_000 });
        }
        foreach (var id in ids)
            Assert.Equal("canceled", JsonDocument.Parse(await alice.GetStringAsync($"/jobs/{id}")).RootElement.GetProperty("status").GetString());
        studio.AssertNoScriptErrors();
    }

    [Fact]
    public async Task A_finished_job_s_results_download_as_a_zip_and_a_failed_one_shows_its_error()
    {
        using var alice = server.Alice();
        var done = await CreateJobAsync(alice, new { stepMillis = 10 });
        var failed = await CreateJobAsync(alice, new { stepMillis = 10, failPermanently = true });
        await using var studio = await server.OpenAsync();
        var page = studio.Page;
        await studio.SignInAsync(server.AliceToken, $"/studio/jobs/{done}");
        await page.Locator("#download:not([hidden])").WaitForAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download"));
        Assert.EndsWith(".zip", download.SuggestedFilename);
        var path = Path.Combine(server.Screenshots, "job-results.zip");
        await download.SaveAsAsync(path);
        using (var zip = System.IO.Compression.ZipFile.OpenRead(path)) Assert.NotEmpty(zip.Entries);

        await page.GotoAsync($"/studio/jobs/{failed}");
        await page.Locator("#steps .error-text").First.WaitForAsync();
        Assert.False(string.IsNullOrWhiteSpace(await page.Locator("#steps .error-text").First.InnerTextAsync()));
        Assert.True(await page.IsVisibleAsync("#retry"));
        studio.AssertNoScriptErrors();
    }

    [Fact]
    public async Task The_gallery_renames_moves_shows_provenance_deletes_and_explains_a_bad_upload()
    {
        await using var studio = await server.OpenAsync();
        var page = studio.Page;
        await studio.SignInAsync(server.AliceToken, "/studio/gallery");

        // A file that claims to be an image but is not: refused, in words.
        await page.ClickAsync("details.panel summary");
        await page.SetInputFilesAsync("#upload-file", new FilePayload { Name = "broken.jpg", MimeType = "image/jpeg", Buffer = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5, 6] });
        await page.SelectOptionAsync("#upload-type", "BACKGROUND");
        await page.ClickAsync("#upload-form button[type=submit]");
        var error = page.Locator("#page-error .error");
        await error.WaitForAsync();
        var words = await error.InnerTextAsync();
        Assert.Contains("Unsupported file for this asset type", words);
        Assert.Contains("BACKGROUND", words); // the detail says what this type takes
        await studio.ScreenshotAsync("gallery-bad-upload");

        // A composite made by a compose job carries provenance; an upload does not.
        using var alice = server.Alice();
        var person = await UploadAsync(alice, "astronaut.png", TestPhotos.Sample("astronaut.png"), "HEADSHOT");
        var job = await alice.PostAsJsonAsync("/compose", new { personAssetId = person, background = "#336699", matting = "fast" });
        job.EnsureSuccessStatusCode();
        var jobId = JsonDocument.Parse(await job.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        JsonElement finished;
        var until = DateTime.UtcNow.AddSeconds(120);
        do
        {
            await Task.Delay(500);
            finished = JsonDocument.Parse(await alice.GetStringAsync($"/jobs/{jobId}")).RootElement;
        } while (finished.GetProperty("status").GetString() is "queued" or "running" && DateTime.UtcNow < until);
        Assert.Equal("succeeded", finished.GetProperty("status").GetString());
        var composite = finished.GetProperty("steps")[0].GetProperty("outputAssetIds")[0].GetString()!;

        await page.GotoAsync("/studio/gallery");
        var tile = page.Locator($"li[id='{composite}']");
        await tile.WaitForAsync();
        await tile.Locator("details.provenance summary").ClickAsync();
        await tile.Locator("details.provenance dl").WaitForAsync();
        var provenance = await tile.Locator("details.provenance").InnerTextAsync();
        Assert.Contains("compose", provenance);
        Assert.Contains("made by a job", await tile.InnerTextAsync());
        var upload = page.Locator($"li[id='{person}']");
        await upload.Locator("details.provenance summary").ClickAsync();
        await upload.Locator("details.provenance p").Filter(new() { HasTextString = "uploaded, not made by Likeness" }).WaitForAsync();
        await studio.ScreenshotAsync("gallery");

        await tile.Locator("details:not(.provenance) summary").ClickAsync();
        await tile.Locator($"#name-{composite}").FillAsync("launch.png");
        await tile.Locator($"#folder-{composite}").FillAsync("keep");
        await tile.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await page.Locator($"li[id='{composite}'][data-name='launch.png']").WaitForAsync();
        var meta = JsonDocument.Parse(await alice.GetStringAsync($"/assets/{composite}")).RootElement;
        Assert.Equal("launch.png", meta.GetProperty("name").GetString());
        Assert.Equal("keep", meta.GetProperty("folder").GetString());

        await page.FillAsync("#folder-filter", "keep");
        await page.ClickAsync("#apply-filter");
        await page.Locator("#page-label").Filter(new() { HasTextString = "(1 assets)" }).WaitForAsync();

        page.Dialog += (_, d) => d.AcceptAsync();
        await page.Locator($"li[id='{composite}']").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await page.Locator("#asset-grid li.empty").WaitForAsync();
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await alice.GetAsync($"/assets/{composite}")).StatusCode);
        studio.AssertNoScriptErrors();
    }

    [Fact]
    public async Task The_providers_page_shows_health_setup_hints_and_spend_from_the_ledger()
    {
        await using (var db = server.Db())
        {
            var today = DateTime.UtcNow;
            db.GenerationLogs.Add(new GenerationLog
            {
                Id = Guid.NewGuid(), UserId = "alice", Provider = "fal", Model = "fal-ai/flux/dev", Operation = GenerationOperation.TextToImage,
                Outcome = CostOutcome.Succeeded, Units = 1, Unit = PriceUnit.Image, EstimatedUsd = 0.25m, CreatedAt = today,
            });
            db.GenerationLogs.Add(new GenerationLog
            {
                Id = Guid.NewGuid(), UserId = "bob", Provider = "fal", Model = "fal-ai/flux/dev", Operation = GenerationOperation.TextToImage,
                Outcome = CostOutcome.Succeeded, Units = 1, Unit = PriceUnit.Image, EstimatedUsd = 9m, CreatedAt = today,
            });
            await db.SaveChangesAsync();
        }
        await using var studio = await server.OpenAsync();
        var page = studio.Page;
        await studio.SignInAsync(server.AliceToken, "/studio/providers");
        await page.Locator("#provider-rows tr[data-provider='fal']").WaitForAsync();
        var fal = await page.InnerTextAsync("#provider-rows tr[data-provider='fal']");
        Assert.Contains("$0.25", fal); // alice's spend only, not bob's
        Assert.Contains("FAL_KEY", fal); // not configured here: the hint says how
        Assert.Equal("$0.25", await page.InnerTextAsync("#spent"));
        Assert.Contains("0.25", await page.InnerTextAsync("#day-rows"));
        await studio.ScreenshotAsync("providers");
        studio.AssertNoScriptErrors();
    }

    static async Task<string> UploadAsync(HttpClient client, string name, byte[] bytes, string type)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", name }, { new StringContent(type), "type" } };
        var response = await client.PostAsync("/assets", form);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }
}
