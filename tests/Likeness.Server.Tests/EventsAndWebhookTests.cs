using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using System.Net;
using System.Text.Json;
using Likeness.Server.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Likeness.Server.JobEngine;

namespace Likeness.Server.Tests;

public sealed class EventsAndWebhookTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Sse_client_sees_every_step_transition_in_order_and_resumes_after_last_event_id()
    {
        var alice = server.Alice();
        var id = (await (await alice.PostJson("/jobs", new { kind = "test-steps", input = new { stepMillis = 300, failTimes = 1, failStep = "three" } })).Json(HttpStatusCode.Accepted)).Id();
        var events = await Sse.ReadAll(alice, id);

        Assert.Equal(events.Select(e => e.Id).Order(), events.Select(e => e.Id));
        var transitions = events.Where(e => e.Type == "step")
            .Select(e => $"{e.Data.GetProperty("step").GetString()}:{e.Data.GetProperty("status").GetString()}").ToList();
        Assert.Equal(
        [
            "one:running", "one:succeeded", "two:running", "two:succeeded",
            "three:running", "three:queued", "three:running", "three:succeeded", "four:running", "four:succeeded",
        ], transitions);
        var jobStates = events.Where(e => e.Type == "job").Select(e => e.Data.GetProperty("status").GetString()).ToList();
        Assert.Equal(["queued", "running", "succeeded"], jobStates);
        Assert.Equal("job", events[^1].Type);
        Assert.Contains(events, e => e.Type == "progress" && e.Data.GetProperty("step").GetString() == "two");

        var cut = events[events.Count / 2].Id;
        var resumed = await Sse.ReadAll(alice, id, cut);
        Assert.Equal(events.Where(e => e.Id > cut).Select(e => e.Id), resumed.Select(e => e.Id));
    }

    [Fact]
    public async Task Sse_event_ids_count_the_jobs_own_events_and_reveal_nothing_of_other_jobs()
    {
        var bob = server.Client(server.BobToken);
        var other = (await (await bob.PostJson("/jobs", new { kind = "test-steps", input = new { stepMillis = 10 } })).Json(HttpStatusCode.Accepted)).Id();
        await bob.WaitForJob(other);
        var alice = server.Alice();
        var id = (await (await alice.PostJson("/jobs", new { kind = "test-steps", input = new { stepMillis = 10 } })).Json(HttpStatusCode.Accepted)).Id();
        var events = await Sse.ReadAll(alice, id);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Id));
    }

    [Fact]
    public async Task Webhook_receiver_failing_twice_gets_one_accepted_delivery_id_with_a_valid_signature()
    {
        var calls = new ConcurrentQueue<(string Delivery, string Signature, string Body, int Answer)>();
        var receiver = WebApplication.CreateBuilder();
        receiver.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = receiver.Build();
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            var body = await new StreamReader(request.Body).ReadToEndAsync();
            var answer = calls.Count < 2 ? 500 : 200;
            calls.Enqueue((request.Headers[WebhookDispatcher.DeliveryHeader].ToString(), request.Headers[WebhookDispatcher.SignatureHeader].ToString(), body, answer));
            return Results.StatusCode(answer);
        });
        await app.StartAsync();
        var url = app.Urls.First() + "/hook";

        var alice = server.Alice();
        const string secret = "a-long-shared-secret-123";
        var id = (await (await alice.PostJson("/jobs", new { kind = "test-steps", input = new { stepMillis = 10 }, webhook = new { url, secret } })).Json(HttpStatusCode.Accepted)).Id();
        await alice.WaitForJob(id);
        await using (var db = server.Db())
        {
            var stored = await db.Jobs.Where(j => j.Id == id).Select(j => j.WebhookSecret).SingleAsync();
            Assert.False(string.IsNullOrEmpty(stored));
            Assert.DoesNotContain(secret, stored); // encrypted with the key ring outside the database
        }
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (calls.Count < 3 && DateTime.UtcNow < deadline) await Task.Delay(50);
        await Task.Delay(1000); // a fourth (duplicate) delivery would arrive within this
        await app.StopAsync();

        var all = calls.ToList();
        Assert.Equal(3, all.Count);
        Assert.Single(all.Select(c => c.Delivery).Distinct());
        Assert.True(Guid.TryParse(all[0].Delivery, out _));
        Assert.Equal([500, 500, 200], all.Select(c => c.Answer));
        Assert.Single(all.Where(c => c.Answer == 200).Select(c => c.Delivery).Distinct());
        foreach (var call in all)
        {
            var parts = call.Signature.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            Assert.Equal(WebhookDispatcher.Sign(secret, parts["t"], call.Body), parts["v1"]);
        }
        var payload = JsonDocument.Parse(all[^1].Body).RootElement;
        Assert.Equal(id, payload.GetProperty("job").GetProperty("id").GetGuid());
        Assert.Equal("succeeded", payload.GetProperty("job").GetProperty("status").GetString());
        Assert.Equal(all[0].Delivery, payload.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Webhook_needs_a_url_and_a_long_secret()
    {
        var problem = await (await server.Alice().PostJson("/jobs", new { kind = "test-steps", webhook = new { url = "ftp://x", secret = "short" } })).Problem(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("webhook.url", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("webhook.secret", out _));
    }
}
