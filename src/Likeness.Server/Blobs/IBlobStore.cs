namespace Likeness.Server.Blobs;

/// <summary>
/// Content-addressed storage: a blob's name is the SHA-256 of its bytes, so identical
/// content is stored once and never changes. A shared store comes with scale-out.
/// </summary>
public interface IBlobStore
{
    /// <summary>Stores the stream (to its end) and returns its address and size.</summary>
    Task<BlobRef> PutAsync(Stream content, CancellationToken ct);

    Task<Stream?> OpenReadAsync(string sha256, CancellationToken ct);

    bool Exists(string sha256);

    Task DeleteAsync(string sha256, CancellationToken ct);

    /// <summary>Every stored address (for audits and erasure checks).</summary>
    IEnumerable<string> List();
}

public sealed record BlobRef(string Sha256, long Size);
