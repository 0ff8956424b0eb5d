using Likeness.Providers.Tests.Fakes;
using Likeness.Providers.Webhooks;
using Microsoft.AspNetCore.Http;

namespace Likeness.Providers.Tests;

public sealed class WebhookTests : IAsyncLifetime
{
    readonly Harness _h = new();
    FakeFal _fal = null!;
    LoopbackServer _receiver = null!;
    readonly List<WebhookDelivery> _deliveries = [];

    public async Task InitializeAsync()
    {
        _fal = await FakeFal.StartAsync(_h.Clock);
        // The app's webhook endpoint: parse, hand to the inbox, answer 200 (fal retries on non-2xx).
        _receiver = await LoopbackServer.StartAsync(async (context, request) =>
        {
            var delivery = _h.Inbox.Deliver(FalWebhook.Parse(request.Body, _h.Clock.GetUtcNow()));
            lock (_deliveries) _deliveries.Add(delivery);
            await context.Response.WriteAsync(delivery.ToString());
        }, _h.Clock);
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _fal.DisposeAsync();
        _h.Dispose();
    }

    [Fact]
    public async Task Fal_webhook_wakes_the_waiting_call_and_duplicates_change_nothing()
    {
        _h.AddFal(_fal, o => o.WebhookUrl = _receiver.Root + "/hooks/fal");
        _fal.Script = ["IN_PROGRESS"];
        _h.Clock.AutoAdvance = false; // time stands still: only the webhook can wake the call
        var run = _h.Service().RunAsync(new GenerationRequest { Operation = GenerationOperation.TextToImage, Prompt = "x" }, _h.Context(), CancellationToken.None);
        await FalProtocolTests.Until(() => _fal.Server.Requests.Any(r => r.Path.EndsWith("/status")));
        Assert.Contains("fal_webhook=" + Uri.EscapeDataString(_receiver.Root + "/hooks/fal"), _fal.Server.Requests[0].Query);

        _fal.Jobs["req-0001"].ForcedStatus = "COMPLETED";
        await _fal.SendWebhookAsync("req-0001");
        var result = await run;

        Assert.Single(result.Images);
        Assert.Equal(TimeSpan.Zero, _h.Clock.Elapsed);
        await _fal.SendWebhookAsync("req-0001");            // at-least-once redelivery
        await _fal.SendWebhookAsync("req-0001", "ERROR");   // late, out-of-order contradiction
        Assert.Equal([WebhookDelivery.Accepted, WebhookDelivery.Duplicate, WebhookDelivery.Duplicate], _deliveries);
        Assert.True(_h.Inbox.Final("fal", "req-0001")!.Succeeded);
        Assert.Single(_fal.Server.Requests, r => r.Method == "GET" && r.Path == "/fal-ai/flux-lora/requests/req-0001");
    }

    [Fact]
    public async Task Polling_still_finishes_when_the_webhook_never_comes()
    {
        _h.AddFal(_fal, o => o.WebhookUrl = _receiver.Root + "/hooks/fal");
        _fal.Script = ["IN_PROGRESS", "COMPLETED"];
        await _h.Service().RunAsync(new GenerationRequest { Operation = GenerationOperation.TextToImage, Prompt = "x" }, _h.Context(), CancellationToken.None);
        Assert.Equal([30.0], Spacing.Seconds(_fal.Server.Requests.Where(r => r.Path.EndsWith("/status"))));
    }

    [Fact]
    public async Task A_webhook_that_arrives_before_anyone_waits_is_kept()
    {
        var inbox = new WebhookInbox(_h.Clock);
        Assert.Equal(WebhookDelivery.Accepted, inbox.Deliver("""{"request_id": "r1", "status": "ERROR", "payload": null, "error": "boom"}""", _h.Clock.GetUtcNow()));
        var early = await inbox.NextAsync("fal", "r1", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(1));
        Assert.False(early.Succeeded);
    }

    [Fact]
    public async Task Replicate_progress_events_do_not_regress_a_finished_prediction()
    {
        var inbox = new WebhookInbox(_h.Clock);
        var now = _h.Clock.GetUtcNow();
        var waiting = inbox.NextAsync("replicate", "p1", CancellationToken.None);
        Assert.Equal(WebhookDelivery.Progress, inbox.Deliver(ReplicateWebhook.Parse("""{"id": "p1", "status": "processing"}""", now)));
        Assert.False((await waiting).Terminal);
        Assert.Equal(WebhookDelivery.Accepted, inbox.Deliver(ReplicateWebhook.Parse("""{"id": "p1", "status": "succeeded", "output": ["u"]}""", now)));
        Assert.Equal(WebhookDelivery.Duplicate, inbox.Deliver(ReplicateWebhook.Parse("""{"id": "p1", "status": "processing"}""", now)));
        Assert.True(inbox.Final("replicate", "p1")!.Succeeded);
    }

    [Fact]
    public void Finished_requests_are_forgotten_after_the_retention()
    {
        var inbox = new WebhookInbox(_h.Clock, TimeSpan.FromHours(3));
        inbox.Deliver("""{"request_id": "old", "status": "OK", "payload": {}}""", _h.Clock.GetUtcNow());
        _h.Clock.Advance(TimeSpan.FromHours(4));
        inbox.Deliver("""{"request_id": "new", "status": "OK", "payload": {}}""", _h.Clock.GetUtcNow());
        Assert.Null(inbox.Final("fal", "old"));
        Assert.Throws<FormatException>(() => FalWebhook.Parse("""{"status": "OK"}""", _h.Clock.GetUtcNow()));
    }
}
