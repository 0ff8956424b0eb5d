using System.Buffers.Binary;
using System.Net;
using Likeness.Imaging.Codecs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Likeness.Providers.Outputs;

public sealed class DownloadOptions
{
    public OutboundUrlOptions Url { get; set; } = new();
    public long MaxImageBytes { get; set; } = 50L * 1024 * 1024;
    public long MaxLoraBytes { get; set; } = 2L * 1024 * 1024 * 1024;
    public long MaxVideoBytes { get; set; } = 1024L * 1024 * 1024;
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Fetches provider outputs into the <see cref="IOutputStore"/> right away, with size and content checks:
/// images must really be PNG/JPEG/WebP, LoRA files must look like safetensors, videos like MP4/MOV or WebM. No provider credentials are
/// ever sent here: it is a separate client with the SSRF guard.
/// </summary>
public sealed class OutputDownloader : IDisposable
{
    readonly IOutputStore _store;
    readonly DownloadOptions _options;
    readonly HttpClient _http;
    readonly ILogger _log;

    public OutputDownloader(IOutputStore store, DownloadOptions options, ILogger<OutputDownloader>? log = null)
    {
        _store = store;
        _options = options;
        _log = (ILogger?)log ?? NullLogger.Instance;
        _http = new HttpClient(OutboundUrlPolicy.CreateHandler(options.Url)) { Timeout = options.Timeout };
    }

    public async Task<StoredOutput> StoreAsync(ProviderOutput output, string provider, CancellationToken ct)
    {
        if (output.Bytes is { } inline)
            return output.Role switch
            {
                OutputRole.Image => await StoreImageAsync(inline, output.ContentType, null, provider, ct).ConfigureAwait(false),
                OutputRole.Video => await StoreVideoAsync(new MemoryStream(inline), null, provider, ct).ConfigureAwait(false),
                _ => await StoreLoraAsync(new MemoryStream(inline), null, provider, ct).ConfigureAwait(false),
            };

        var url = output.Url ?? throw Unavailable(provider, "the provider reported an output without bytes or URL");
        if (OutboundUrlPolicy.Problem(url, _options.Url) is { } problem)
            throw Unavailable(provider, $"its output URL was not fetched: {problem}");

        using var response = await GetAsync(url, provider, ct).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone or HttpStatusCode.Forbidden)
            throw Unavailable(provider, $"its output URL has expired or is gone (HTTP {(int)response.StatusCode}). Run the step again.");
        if (!response.IsSuccessStatusCode)
            throw Unavailable(provider, $"downloading its output failed (HTTP {(int)response.StatusCode}).");
        var declared = response.Content.Headers.ContentType?.MediaType;
        var limit = output.Role switch { OutputRole.Image => _options.MaxImageBytes, OutputRole.Video => _options.MaxVideoBytes, _ => _options.MaxLoraBytes };
        if (response.Content.Headers.ContentLength > limit)
            throw Unavailable(provider, $"its output is {response.Content.Headers.ContentLength} bytes, over the {limit}-byte limit.");

        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        if (output.Role == OutputRole.Image)
        {
            var bytes = await ReadLimitedAsync(body, limit, provider, ct).ConfigureAwait(false);
            return await StoreImageAsync(bytes, declared, url, provider, ct).ConfigureAwait(false);
        }
        if (declared is "text/html" or "application/json" or "text/plain")
            throw Unavailable(provider, $"its {(output.Role == OutputRole.Video ? "video" : "LoRA")} URL returned {declared}, not a {(output.Role == OutputRole.Video ? "video" : "weights file")}.");
        return output.Role == OutputRole.Video
            ? await StoreVideoAsync(body, url, provider, ct).ConfigureAwait(false)
            : await StoreLoraAsync(body, url, provider, ct).ConfigureAwait(false);
    }

    async Task<HttpResponseMessage> GetAsync(string url, string provider, CancellationToken ct)
    {
        try { return await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false); }
        catch (HttpRequestException ex) { throw Unavailable(provider, $"its output could not be downloaded ({ex.Message})."); }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { throw Unavailable(provider, "downloading its output timed out."); }
    }

    async Task<StoredOutput> StoreImageAsync(byte[] bytes, string? declared, string? url, string provider, CancellationToken ct)
    {
        if (declared is not null && !declared.StartsWith("image/", StringComparison.Ordinal) && declared != "application/octet-stream")
            throw Unavailable(provider, $"its output is {declared}, not an image.");
        ImageInfo info;
        try { info = ImageCodec.Identify(bytes); }
        catch (ImageCodecException ex) { throw Unavailable(provider, $"its output is not a readable image ({(ex is ImageDecodeException d ? d.Reason : ex.Message)})."); }
        var actual = info.Format.MimeType();
        if (declared is not null && declared.StartsWith("image/", StringComparison.Ordinal) && declared != actual)
            _log.LogDebug("{Provider} labelled an output {Declared} but it is {Actual}; storing as {Actual}", provider, declared, actual, actual);
        var stored = await _store.PutAsync(new MemoryStream(bytes, writable: false), actual, url, ct).ConfigureAwait(false);
        return stored with { Width = info.Width, Height = info.Height };
    }

    async Task<StoredOutput> StoreLoraAsync(Stream body, string? url, string provider, CancellationToken ct)
    {
        var temp = await SpoolAsync(body, _options.MaxLoraBytes, "LoRA file", provider, ct).ConfigureAwait(false);
        try
        {
            await using var check = File.OpenRead(temp);
            if (!LooksLikeSafetensors(check))
                throw Unavailable(provider, "its LoRA file is not in safetensors format.");
            check.Position = 0;
            return await _store.PutAsync(check, "application/octet-stream", url, ct).ConfigureAwait(false);
        }
        finally { File.Delete(temp); }
    }

    async Task<StoredOutput> StoreVideoAsync(Stream body, string? url, string provider, CancellationToken ct)
    {
        var temp = await SpoolAsync(body, _options.MaxVideoBytes, "video", provider, ct).ConfigureAwait(false);
        try
        {
            await using var check = File.OpenRead(temp);
            var type = VideoType(check) ?? throw Unavailable(provider, "its video is neither MP4/MOV nor WebM.");
            check.Position = 0;
            return await _store.PutAsync(check, type, url, ct).ConfigureAwait(false);
        }
        finally { File.Delete(temp); }
    }

    /// <summary>Large outputs go to a temporary file, never whole into memory.</summary>
    static async Task<string> SpoolAsync(Stream body, long limit, string what, string provider, CancellationToken ct)
    {
        var temp = Path.GetTempFileName();
        try
        {
            await using var file = File.Create(temp);
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > limit) throw Unavailable(provider, $"its {what} is over the {limit}-byte limit.");
                await file.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
            }
            return temp;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>ISO base media (MP4, MOV: an "ftyp" box first) or Matroska/WebM (EBML magic); null for anything else.</summary>
    static string? VideoType(FileStream file)
    {
        Span<byte> head = stackalloc byte[12];
        if (file.Read(head) < 12) return null;
        if (head[4..8].SequenceEqual("ftyp"u8)) return head[8..12].SequenceEqual("qt  "u8) ? "video/quicktime" : "video/mp4";
        return head[..4].SequenceEqual(new byte[] { 0x1A, 0x45, 0xDF, 0xA3 }) ? "video/webm" : null;
    }

    /// <summary>safetensors = 8-byte little-endian header length, then a JSON header that fits in the file.</summary>
    static bool LooksLikeSafetensors(FileStream file)
    {
        Span<byte> head = stackalloc byte[9];
        if (file.Read(head) < 9) return false;
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(head);
        return head[8] == (byte)'{' && headerLength >= 2 && headerLength <= (ulong)(file.Length - 8);
    }

    static async Task<byte[]> ReadLimitedAsync(Stream body, long limit, string provider, CancellationToken ct)
    {
        using var memory = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            if (memory.Length + read > limit) throw Unavailable(provider, $"its output is over the {limit}-byte limit.");
            memory.Write(buffer, 0, read);
        }
        return memory.ToArray();
    }

    static ProviderException Unavailable(string provider, string what)
        => new(FailureKind.OutputUnavailable, provider, $"{provider} finished, but {what}");

    public void Dispose() => _http.Dispose();
}
