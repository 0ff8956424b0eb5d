using System.Security.Cryptography;
using System.Text;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Likeness.Server.JobEngine;

/// <summary>
/// Sends job-completion webhooks from the durable WebhookDeliveries table, retrying with backoff.
/// Every attempt of one delivery carries the same Likeness-Delivery id so receivers can drop duplicates.
/// Signature: Likeness-Signature: t=UNIX,v1=hex(HMAC-SHA256(secret, "UNIX.BODY")).
/// </summary>
public sealed class WebhookDispatcher(IDbContextFactory<LikenessDb> dbFactory, IHttpClientFactory http, IOptions<WebhookOptions> options, WebhookSecrets secrets, ILogger<WebhookDispatcher> log)
    : BackgroundService
{
    public const string DeliveryHeader = "Likeness-Delivery";
    public const string SignatureHeader = "Likeness-Signature";
    public const string EventHeader = "Likeness-Event";

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try { await DeliverDueAsync(stopping); }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogError(e, "Webhook dispatch round failed"); }
            try { await Task.Delay(options.Value.PollInterval, stopping); }
            catch (OperationCanceledException) { return; }
        }
    }

    async Task DeliverDueAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        var due = await db.WebhookDeliveries.Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now)
            .OrderBy(d => d.NextAttemptAt).Take(20).ToListAsync(ct);
        foreach (var delivery in due)
        {
            // Several processes dispatch (API nodes, workers): the one that moves NextAttemptAt on claims the attempt.
            // If it dies mid-send, the delivery is due again after the claim and goes out with the same Likeness-Delivery id.
            var claimUntil = DateTime.UtcNow + options.Value.Timeout + TimeSpan.FromSeconds(30);
            var seen = delivery.NextAttemptAt;
            var claimed = await db.WebhookDeliveries.Where(d => d.Id == delivery.Id && d.Status == DeliveryStatus.Pending && d.NextAttemptAt == seen)
                .ExecuteUpdateAsync(d => d.SetProperty(x => x.NextAttemptAt, claimUntil), ct);
            if (claimed == 0) continue;
            var secret = secrets.Unprotect(await db.Jobs.Where(j => j.Id == delivery.JobId).Select(j => j.WebhookSecret).SingleOrDefaultAsync(ct));
            await SendAsync(delivery, secret, ct);
            await db.SaveChangesAsync(ct);
        }
    }

    async Task SendAsync(WebhookDelivery delivery, string secret, CancellationToken ct)
    {
        var o = options.Value;
        delivery.Attempts++;
        if (Likeness.Providers.Outputs.OutboundUrlPolicy.Problem(delivery.Url, o.Url) is { } refused)
        {
            delivery.Status = DeliveryStatus.Failed;
            delivery.LastError = $"Not delivered: {refused}.";
            log.LogWarning("Webhook delivery {Delivery} refused by the outbound URL policy", delivery.Id);
            return;
        }
        try
        {
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
            {
                Content = new StringContent(delivery.PayloadJson, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add(DeliveryHeader, delivery.Id.ToString());
            request.Headers.Add(EventHeader, "job.finished");
            request.Headers.Add(SignatureHeader, $"t={timestamp},v1={Sign(secret, timestamp, delivery.PayloadJson)}");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(o.Timeout);
            using var response = await http.CreateClient("webhooks").SendAsync(request, timeout.Token);
            delivery.LastStatusCode = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                delivery.Status = DeliveryStatus.Delivered;
                delivery.DeliveredAt = DateTime.UtcNow;
                delivery.LastError = null;
                return;
            }
            delivery.LastError = $"The receiver answered {(int)response.StatusCode} {response.ReasonPhrase}.";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            delivery.LastError = e is TaskCanceledException ? $"No answer within {o.Timeout.TotalSeconds:0} s." : e.Message;
        }
        if (delivery.Attempts >= o.MaxAttempts) delivery.Status = DeliveryStatus.Failed;
        else delivery.NextAttemptAt = DateTime.UtcNow + o.Backoff(delivery.Attempts);
        log.LogInformation("Webhook delivery {Delivery} attempt {Attempt} failed: {Error}", delivery.Id, delivery.Attempts, delivery.LastError);
    }

    public static string Sign(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}
