using Likeness.Providers;
using Likeness.Providers.Outputs;
using Likeness.Server.Blobs;

namespace Likeness.Server.Generation;

/// <summary>Provider outputs go straight into the content-addressed blob store; the key is the blob's SHA-256.</summary>
public sealed class BlobOutputStore(IBlobStore blobs) : IOutputStore
{
    public async Task<StoredOutput> PutAsync(Stream content, string contentType, string? sourceUrl, CancellationToken ct)
    {
        var blob = await blobs.PutAsync(content, ct);
        return new StoredOutput(blob.Sha256, contentType, blob.Size, SourceUrl: sourceUrl);
    }

    public Task<Stream?> OpenAsync(string key, CancellationToken ct)
        => IsSha256(key) ? blobs.OpenReadAsync(key, ct) : Task.FromResult<Stream?>(null);

    static bool IsSha256(string key) => key is { Length: 64 } && key.All(char.IsAsciiHexDigitLower);
}
