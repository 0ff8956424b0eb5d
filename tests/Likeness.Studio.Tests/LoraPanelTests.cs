using System.Net.Http.Json;
using System.Text.Json;
using Likeness.Pipelines.Lora;
using Likeness.Server.Api;
using Likeness.Server.Data;
using Likeness.Studio.Tests.Support;

namespace Likeness.Studio.Tests;

[Collection("Studio")]
public sealed class LoraPanelTests(StudioFixture server)
{
    [Fact]
    public async Task The_identity_page_shows_the_lora_version_and_each_panel_test_with_its_score()
    {
        using var alice = server.Alice();
        var id = await alice.CreateIdentityAsync("Panelled");
        // A trained version with its panel, as the LoRA and panel jobs store them (the jobs themselves are tested in the server suite).
        var panel = PanelReport.From(1,
        [
            new PanelResult("portrait", true, "same person (0.82)", 0.82, 2, "front", 1, null),
            new PanelResult("profile", false, "wrong angle: yaw 12 is not a profile", 0.74, 12, "front", 1, null),
        ]);
        await using (var db = server.Db())
        {
            db.IdentityLoras.Add(new IdentityLora
            {
                Id = Guid.NewGuid(), IdentityId = id, Version = 1, Status = LoraStatus.Ready, TriggerWord = "ohwx", Steps = 1000, Photos = 5,
                Provider = "fal", Model = "fal-ai/flux-lora-fast-training", EstimatedUsd = 2m, PanelJson = JsonSerializer.Serialize(panel, Json.Options),
                CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        await using var studio = await server.OpenAsync();
        var page = studio.Page;
        await studio.SignInAsync(server.AliceToken, $"/studio/identities/{id}");
        var lora = page.Locator("#lora");
        await lora.Locator("table").WaitForAsync();
        var text = await lora.InnerTextAsync();
        Assert.Contains("Status: ready", text);
        Assert.Contains("version 1", text);
        Assert.Contains("“ohwx”", text);
        Assert.Contains("1 of 2 passed, mean similarity 0.78", text);
        Assert.Contains("wrong angle: yaw 12 is not a profile", text);
        Assert.Contains("Run the test panel", text);
        await studio.ScreenshotAsync("identity-lora-panel");
        studio.AssertNoScriptErrors();
    }
}
