using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace Likeness.Providers.Tests.Fakes;

/// <summary>One injected failure a fake server answers with instead of the normal response.</summary>
public abstract record Fault
{
    public static Fault Status(int code, string body = "", params (string Name, string Value)[] headers) => new StatusFault(code, body, headers);
    public static readonly Fault Drop = new DropFault();
    public static readonly Fault MalformedJson = new StatusFault(200, "{\"request_id\": \"abc\", \"status", [("Content-Type", "application/json")]);
    public static Fault Slow(TimeSpan realDelay) => new SlowFault(realDelay);

    public abstract Task ApplyAsync(HttpContext context);

    sealed record StatusFault(int Code, string Body, (string Name, string Value)[] Headers) : Fault
    {
        public override async Task ApplyAsync(HttpContext context)
        {
            context.Response.StatusCode = Code;
            foreach (var (name, value) in Headers) context.Response.Headers[name] = value;
            if (Body.Length > 0 && !context.Response.Headers.ContainsKey("Content-Type")) context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(Body);
        }
    }

    /// <summary>Connection reset mid-request.</summary>
    sealed record DropFault : Fault
    {
        public override Task ApplyAsync(HttpContext context) { context.Abort(); return Task.CompletedTask; }
    }

    /// <summary>Answers nothing for a real-time while (the client's attempt timeout should fire first).</summary>
    sealed record SlowFault(TimeSpan Delay) : Fault
    {
        public override async Task ApplyAsync(HttpContext context)
        {
            try { await Task.Delay(Delay, context.RequestAborted); } catch (OperationCanceledException) { return; }
            context.Response.StatusCode = 504;
        }
    }
}

/// <summary>Faults queued per endpoint key, consumed in order; a "forever" fault repeats.</summary>
public sealed class FaultScript
{
    readonly ConcurrentDictionary<string, ConcurrentQueue<Fault>> _queued = new();
    readonly ConcurrentDictionary<string, Fault> _forever = new();

    public FaultScript Enqueue(string key, params Fault[] faults)
    {
        var queue = _queued.GetOrAdd(key, _ => new ConcurrentQueue<Fault>());
        foreach (var fault in faults) queue.Enqueue(fault);
        return this;
    }

    public FaultScript Repeat(string key, int times, Fault fault) => Enqueue(key, Enumerable.Repeat(fault, times).ToArray());

    public FaultScript Always(string key, Fault fault) { _forever[key] = fault; return this; }
    public void Clear(string key) { _forever.TryRemove(key, out _); _queued.TryRemove(key, out _); }

    /// <summary>True when a fault answered the request.</summary>
    public async Task<bool> TryApplyAsync(string key, HttpContext context)
    {
        if (_forever.TryGetValue(key, out var always)) { await always.ApplyAsync(context); return true; }
        if (_queued.TryGetValue(key, out var queue) && queue.TryDequeue(out var fault)) { await fault.ApplyAsync(context); return true; }
        return false;
    }
}
