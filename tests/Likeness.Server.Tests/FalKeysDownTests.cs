using System.Net;
using Likeness.Providers.Tests.Fakes;
using Likeness.Server.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Likeness.Server.Tests;

/// <summary>A server whose fal key-set URL answers 500.</summary>
public sealed class FalKeysDownFixture : ServerFixture
{
    public LoopbackServer Keys { get; private set; } = null!;

    protected override async Task<Dictionary<string, string?>> SettingsAsync()
    {
        Keys = await LoopbackServer.StartAsync((context, _) => { context.Response.StatusCode = 500; return Task.CompletedTask; }, TimeProvider.System);
        var settings = FastSettings();
        settings["Likeness:Providers:Fal:WebhookJwksUrl"] = Keys.Root + "/.well-known/jwks.json";
        settings["Likeness:Providers:WebhookRateLimitPerMinute"] = "12";
        return settings;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Keys.DisposeAsync();
    }
}

public sealed class FalKeysDownTests(FalKeysDownFixture server) : IClassFixture<FalKeysDownFixture>
{
    [Fact]
    public async Task Unsigned_calls_fetch_nothing_and_a_failing_key_server_is_asked_once_then_backed_off()
    {
        var anonymous = server.Client(null);
        for (var i = 0; i < 5; i++)
            await (await anonymous.PostRaw("/webhooks/fal", """{"request_id": "r", "status": "OK"}""")).Problem(HttpStatusCode.Unauthorized);
        Assert.Empty(server.Keys.Requests);

        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        for (var i = 0; i < 5; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/fal") { Content = new StringContent("""{"request_id": "r", "status": "OK"}""") };
            request.Headers.Add("X-Fal-Webhook-Request-Id", "r");
            request.Headers.Add("X-Fal-Webhook-User-Id", "u");
            request.Headers.Add("X-Fal-Webhook-Timestamp", timestamp);
            request.Headers.Add("X-Fal-Webhook-Signature", new string('a', 128));
            await (await anonymous.SendAsync(request)).Problem(HttpStatusCode.ServiceUnavailable);
        }
        Assert.Single(server.Keys.Requests);

        var limited = 0;
        for (var i = 0; i < 5; i++)
            if ((await anonymous.PostRaw("/webhooks/fal", "{}")).StatusCode == HttpStatusCode.TooManyRequests) limited++;
        Assert.Equal(3, limited); // 12 per minute: the 13th call on is refused
    }
}
