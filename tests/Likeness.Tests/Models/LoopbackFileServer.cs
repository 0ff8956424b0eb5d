using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Likeness.Tests.Models;

/// <summary>A tiny HTTP/1.1 file server on 127.0.0.1 that can also misbehave on purpose.</summary>
internal sealed class LoopbackFileServer : IAsyncDisposable
{
    public enum Behaviour { Serve, FlipByte, CloseMidBody, StallMidBody }

    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource stop = new();
    readonly Dictionary<string, byte[]> files = new(StringComparer.Ordinal);
    readonly Task acceptLoop;
    int requests;

    public LoopbackFileServer()
    {
        listener.Start();
        acceptLoop = AcceptAsync();
    }

    public Behaviour Mode { get; set; } = Behaviour.Serve;

    /// <summary>When set, every response body waits until this completes.</summary>
    public TaskCompletionSource? HoldBody { get; set; }

    public TaskCompletionSource FirstRequest { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Requests => Volatile.Read(ref requests);

    public Uri Add(string path, byte[] content)
    {
        files[path] = content;
        return UrlFor(path);
    }

    public Uri UrlFor(string path) => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}{path}");

    async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                _ = Task.Run(() => HandleAsync(client));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { }
    }

    async Task HandleAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var path = (await ReadHeadAsync(stream)).Split(' ')[1];
            Interlocked.Increment(ref requests);
            FirstRequest.TrySetResult();
            if (!files.TryGetValue(path, out var body))
            {
                await stream.WriteAsync("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), stop.Token);
                return;
            }
            if (HoldBody is { } hold) await hold.Task.WaitAsync(stop.Token);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), stop.Token);
            switch (Mode)
            {
                case Behaviour.Serve:
                    await stream.WriteAsync(body, stop.Token);
                    break;
                case Behaviour.FlipByte:
                    var copy = (byte[])body.Clone();
                    copy[copy.Length / 2] ^= 0xFF;
                    await stream.WriteAsync(copy, stop.Token);
                    break;
                case Behaviour.CloseMidBody:
                    await stream.WriteAsync(body.AsMemory(0, body.Length / 2), stop.Token);
                    break;
                case Behaviour.StallMidBody:
                    await stream.WriteAsync(body.AsMemory(0, body.Length / 2), stop.Token);
                    await stream.FlushAsync(stop.Token);
                    await Task.Delay(Timeout.Infinite, stop.Token);
                    break;
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException) { }
    }

    static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0) throw new IOException("client closed before the request head ended");
            head.Add(one[0]);
        }
        return Encoding.ASCII.GetString(head.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        listener.Stop();
        await acceptLoop;
        stop.Dispose();
    }
}
