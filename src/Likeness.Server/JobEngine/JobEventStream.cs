using System.Security.Claims;
using Likeness.Jobs;
using Likeness.Server.Api;
using Likeness.Server.Auth;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.JobEngine;

/// <summary>
/// `GET /jobs/{id}/events`: replays the job's stored events after Last-Event-ID, then follows new ones
/// until the job has ended and every event was sent. Event ids count the job's own events (1, 2, 3...): a reconnect with
/// Last-Event-ID resumes exactly, and ids reveal nothing about other users' jobs (a global sequence did).
/// </summary>
public static class JobEventStream
{
    public static async Task<IResult> Stream(Guid id, HttpContext http, ClaimsPrincipal user, LikenessDb db, JobNotifier notifier, CancellationToken ct)
    {
        var owner = user.UserId();
        if (!await db.Jobs.AnyAsync(j => j.Id == id && j.OwnerId == owner, ct)) return Problems.NotFound("Job", id);
        var header = http.Request.Headers["Last-Event-ID"].ToString();
        if (string.IsNullOrEmpty(header)) header = http.Request.Query["lastEventId"].ToString();
        long lastId = 0;
        if (header.Length > 0 && (!long.TryParse(header, out lastId) || lastId < 0))
            return Problems.Invalid("Last-Event-ID", $"'{header}' is not an event id; send the id of the last event you received.");

        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.WriteAsync("retry: 2000\n\n", ct);
        await response.Body.FlushAsync(ct);
        db.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking;
        var keepAlive = DateTime.UtcNow;
        while (!ct.IsCancellationRequested)
        {
            var signal = notifier.WaitAsync(id);
            // Status first, then events: the final event is committed with the final status, so it cannot be missed.
            var status = await db.Jobs.Where(j => j.Id == id).Select(j => j.Status).SingleAsync(ct);
            var events = await db.JobEvents.Where(e => e.JobId == id).OrderBy(e => e.Id).Skip((int)Math.Min(lastId, int.MaxValue)).Take(500).ToListAsync(ct);
            foreach (var e in events)
            {
                lastId++;
                await response.WriteAsync($"id: {lastId}\nevent: {e.Type}\ndata: {e.DataJson}\n\n", ct);
            }
            if (events.Count > 0)
            {
                await response.Body.FlushAsync(ct);
                continue;
            }
            if (status.IsTerminal()) break;
            if (DateTime.UtcNow - keepAlive > TimeSpan.FromSeconds(15))
            {
                await response.WriteAsync(": keep-alive\n\n", ct);
                await response.Body.FlushAsync(ct);
                keepAlive = DateTime.UtcNow;
            }
            await Task.WhenAny(signal, Task.Delay(TimeSpan.FromSeconds(1), ct));
        }
        return Results.Empty;
    }
}
