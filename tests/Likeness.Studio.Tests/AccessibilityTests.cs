using System.Net.Http.Json;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using Likeness.Server.Tests.Support;
using Likeness.Studio.Tests.Support;
using Microsoft.Playwright;

namespace Likeness.Studio.Tests;

/// <summary>axe-core's WCAG rules on every page, with content on it; serious and critical findings fail.</summary>
[Collection("Studio")]
public sealed class AccessibilityTests(StudioFixture server)
{
    [Fact]
    public async Task No_page_has_a_serious_accessibility_violation()
    {
        using var alice = server.Alice();
        var identityId = await alice.CreateIdentityAsync("Axe Check");
        var job = await alice.PostAsJsonAsync("/jobs", new { kind = "test-steps", input = new { stepMillis = 10 } });
        var jobId = JsonDocument.Parse(await job.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();

        await using var studio = await server.OpenAsync();
        var page = studio.Page;
        await page.GotoAsync("/studio/signin");
        var problems = new List<string>();
        await Audit(page, "/studio/signin", problems);
        await studio.SignInAsync(server.AliceToken);
        foreach (var path in new[] { "/", $"/studio/identities/{identityId}", "/studio/compose", "/studio/jobs", $"/studio/jobs/{jobId}", "/studio/gallery", "/studio/providers" })
        {
            await page.GotoAsync(path);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await Audit(page, path, problems);
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        studio.AssertNoScriptErrors();
    }

    static async Task Audit(IPage page, string path, List<string> problems)
    {
        var result = await page.RunAxe();
        Assert.True(result.Passes.Length > 10, $"{path}: axe checked almost nothing ({result.Passes.Length} rules passed)");
        foreach (var v in result.Violations) Console.WriteLine($"axe {path}: {v.Id} ({v.Impact}): {v.Help}");
        foreach (var v in result.Violations.Where(v => v.Impact is "serious" or "critical"))
            problems.Add($"{path}: {v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => string.Join(" ", n.Target)))}");
    }
}
