using System.Net;
using Likeness.Server.Data;
using Likeness.Server.Tests.Support;

namespace Likeness.Server.Tests;

/// <summary>A server with the production outbound policy for webhooks (the shared fixture allows loopback receivers).</summary>
public sealed class StrictWebhookFixture : ServerFixture
{
    protected override Task<Dictionary<string, string?>> SettingsAsync()
    {
        var settings = FastSettings();
        settings.Remove("Likeness:Webhooks:Url:AllowHttp");
        settings.Remove("Likeness:Webhooks:Url:AllowPrivateNetworks");
        return Task.FromResult(settings);
    }
}

public sealed class StrictWebhookTests(StrictWebhookFixture server) : IClassFixture<StrictWebhookFixture>
{
    [Theory]
    [InlineData("http://hooks.example.com/x")]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://10.0.0.7/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://user:pw@hooks.example.com/x")]
    public async Task Webhooks_to_loopback_private_metadata_or_plain_http_are_refused_at_submit(string url)
    {
        var response = await server.Alice().PostJson("/jobs", new { kind = "test-steps", input = new { stepMillis = 10 }, webhook = new { url, secret = "a-long-shared-secret-123" } });
        var problem = await response.Problem(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("webhook.url", out _), problem.ToString());
    }

    [Fact]
    public async Task A_stored_delivery_to_a_private_address_is_refused_at_delivery_and_shown()
    {
        var alice = server.Alice();
        var job = (await (await alice.PostJson("/jobs", new { kind = "test-steps", input = new { stepMillis = 10 } })).Json(HttpStatusCode.Accepted)).Id();
        await alice.WaitForJob(job);
        await using (var db = server.Db())
        {
            // As if the URL had passed at submit and the policy (or DNS) changed since.
            db.WebhookDeliveries.Add(new WebhookDelivery { Id = Guid.NewGuid(), JobId = job, Url = "https://169.254.169.254/hook", PayloadJson = "{}", NextAttemptAt = DateTime.UtcNow, CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }
        for (var i = 0; i < 100; i++)
        {
            var list = await (await alice.GetAsync($"/jobs/{job}/webhooks")).Json(HttpStatusCode.OK);
            if (list.GetArrayLength() == 1 && list[0].GetProperty("status").GetString() == "failed")
            {
                Assert.Contains("private or reserved address", list[0].GetProperty("lastError").GetString());
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail("the delivery to 169.254.169.254 was not refused");
    }
}
