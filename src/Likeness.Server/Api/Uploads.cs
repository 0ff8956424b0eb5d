using Microsoft.AspNetCore.Http.Features;

namespace Likeness.Server.Api;

public sealed class UploadOptions
{
    /// <summary>Largest asset upload (LoRA models and videos are big).</summary>
    public long MaxAssetBytes { get; set; } = 1L << 30;

    /// <summary>Photos per request to POST /identities/{id}/photos.</summary>
    public int MaxPhotosPerRequest { get; set; } = 20;
}

public static class Uploads
{
    /// <summary>Raises (or lowers) this request's body limit before the form is read; Kestrel enforces it with 413.</summary>
    public static void LimitBody(HttpContext context, long maxBytes)
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false }) feature.MaxRequestBodySize = maxBytes;
    }

    public static bool IsMultipart(HttpRequest request) =>
        request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true;

    public static async Task<byte[]> ReadAllAsync(IFormFile file, CancellationToken ct)
    {
        var bytes = new byte[file.Length];
        await using var stream = file.OpenReadStream();
        await stream.ReadExactlyAsync(bytes, ct);
        return bytes;
    }
}
