using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace Likeness.Providers.Tests.Fakes;

/// <summary>Output files a fake provider serves at /files/{name}, like a provider CDN; names can be expired.</summary>
public sealed class FileHost
{
    readonly ConcurrentDictionary<string, (byte[] Bytes, string ContentType)> _files = new();
    readonly ConcurrentDictionary<string, bool> _expired = new();

    public void Put(string name, byte[] bytes, string contentType = "image/png") => _files[name] = (bytes, contentType);
    public void Expire(string name) => _expired[name] = true;
    public byte[] Get(string name) => _files[name].Bytes;

    public async Task<bool> TryServeAsync(HttpContext context, string path)
    {
        if (!path.StartsWith("/files/", StringComparison.Ordinal)) return false;
        var name = path["/files/".Length..];
        if (_expired.ContainsKey(name)) { context.Response.StatusCode = 410; await context.Response.WriteAsync("<html>expired</html>"); return true; }
        if (!_files.TryGetValue(name, out var file)) { context.Response.StatusCode = 404; return true; }
        context.Response.ContentType = file.ContentType;
        await context.Response.Body.WriteAsync(file.Bytes);
        return true;
    }
}
