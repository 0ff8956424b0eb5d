using System.Text.Json.Nodes;

namespace Likeness.Providers.Webhooks;

public enum WebhookDelivery
{
    /// <summary>First terminal event for this request: waiters were woken.</summary>
    Accepted,
    /// <summary>Same request already finished: a retry or a late duplicate; nothing changes.</summary>
    Duplicate,
    /// <summary>A non-terminal event (e.g. Replicate "processing"): noted as a wake-up only.</summary>
    Progress,
}

/// <summary>A webhook as the inbox keeps it: which request, did it finish, and the provider's raw body.</summary>
public sealed record WebhookEvent(string Provider, string RequestId, bool Terminal, bool Succeeded, JsonNode? Body, DateTimeOffset ReceivedAt);

/// <summary>
/// Receives provider webhooks (delivered at least once, possibly out of order) and wakes the call waiting on
/// that request. Idempotent on (provider, request id): the first terminal event wins, later ones are duplicates.
/// Providers treat a webhook only as a wake-up and read the authoritative result from the API with their key,
/// so a forged or stale webhook cannot inject outputs.
/// </summary>
public sealed class WebhookInbox
{
    readonly Dictionary<(string, string), Entry> _entries = [];
    readonly TimeProvider _time;
    readonly TimeSpan _retention;

    /// <param name="retention">How long finished requests are remembered; fal retries webhooks for up to 2 h.</param>
    public WebhookInbox(TimeProvider time, TimeSpan? retention = null)
    {
        _time = time;
        _retention = retention ?? TimeSpan.FromHours(3);
    }

    public WebhookDelivery Deliver(WebhookEvent webhook)
    {
        TaskCompletionSource<WebhookEvent> signal;
        lock (_entries)
        {
            Prune();
            var entry = GetOrAdd(webhook.Provider, webhook.RequestId);
            if (entry.Final is not null) return WebhookDelivery.Duplicate;
            entry.Touched = webhook.ReceivedAt;
            if (webhook.Terminal) entry.Final = webhook;
            signal = entry.Signal;
            entry.Signal = webhook.Terminal ? signal : NewSignal();
        }
        signal.TrySetResult(webhook);
        return webhook.Terminal ? WebhookDelivery.Accepted : WebhookDelivery.Progress;
    }

    /// <summary>Completes when the next event (or the already received final one) for the request arrives.</summary>
    public Task<WebhookEvent> NextAsync(string provider, string requestId, CancellationToken ct)
    {
        lock (_entries)
        {
            var entry = GetOrAdd(provider, requestId);
            return entry.Final is { } final ? Task.FromResult(final) : entry.Signal.Task.WaitAsync(ct);
        }
    }

    public WebhookEvent? Final(string provider, string requestId)
    {
        lock (_entries) return _entries.TryGetValue((provider, requestId), out var e) ? e.Final : null;
    }

    Entry GetOrAdd(string provider, string requestId)
    {
        if (!_entries.TryGetValue((provider, requestId), out var entry))
            _entries[(provider, requestId)] = entry = new Entry { Touched = _time.GetUtcNow() };
        return entry;
    }

    void Prune()
    {
        var cutoff = _time.GetUtcNow() - _retention;
        foreach (var key in _entries.Where(p => p.Value.Touched < cutoff).Select(p => p.Key).ToArray())
            _entries.Remove(key);
    }

    static TaskCompletionSource<WebhookEvent> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    sealed class Entry
    {
        public TaskCompletionSource<WebhookEvent> Signal = NewSignal();
        public WebhookEvent? Final;
        public DateTimeOffset Touched;
    }
}
