namespace Likeness.Models;

/// <summary>Streams an HTTP(S) body into a <see cref="CacheFileWriter"/>, giving up when the server stalls.</summary>
internal sealed class HttpModelDownloader(HttpClient http, TimeSpan idleTimeout)
{
    public async Task DownloadAsync(Uri url, CacheFileWriter writer, CancellationToken ct)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            idle.CancelAfter(idleTimeout);
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, idle.Token);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase} from {url}", null, response.StatusCode);
            await using var body = await response.Content.ReadAsStreamAsync(idle.Token);
            var buffer = new byte[FileSha256.BufferSize];
            while (true)
            {
                idle.CancelAfter(idleTimeout);
                var n = await body.ReadAsync(buffer, idle.Token);
                if (n == 0) break;
                await writer.WriteAsync(buffer.AsMemory(0, n), ct);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{url} sent nothing for {idleTimeout.TotalSeconds:0} s (ModelStoreOptions.HttpTimeout); check the network or raise the timeout.");
        }
    }

    public static HttpClient CreateDefaultClient(TimeSpan connectTimeout)
    {
        // Whole-transfer timeouts would kill slow but healthy downloads of large models; the idle timeout above guards stalls.
        var client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = connectTimeout }) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("Likeness-ModelStore/1.0");
        return client;
    }
}
