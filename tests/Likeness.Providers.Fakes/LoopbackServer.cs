using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Likeness.Providers.Tests.Fakes;

/// <summary>What a fake server saw: when (on the test clock), what, and with which headers.</summary>
public sealed record RecordedRequest(DateTimeOffset At, string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;
}

/// <summary>A Kestrel server on 127.0.0.1, port 0, that records every request and hands it to a handler.</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly ConcurrentQueue<RecordedRequest> _requests = new();

    LoopbackServer(WebApplication app) => _app = app;

    /// <summary>HttpContext.Items key of the request body's raw bytes (for binary uploads).</summary>
    public const string RawBodyKey = "likeness.raw-body";

    public Uri BaseUri { get; private set; } = null!;
    public string Root => BaseUri.ToString().TrimEnd('/');
    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public static async Task<LoopbackServer> StartAsync(Func<HttpContext, RecordedRequest, Task> handler, TimeProvider clock)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new LoopbackServer(app);
        app.Run(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            context.Items[RawBodyKey] = buffer.ToArray();
            var body = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            var recorded = new RecordedRequest(clock.GetUtcNow(), context.Request.Method, context.Request.Path.Value ?? "/",
                context.Request.QueryString.Value ?? "", headers, body);
            server._requests.Enqueue(recorded);
            await handler(context, recorded);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
