namespace Likeness.Server.Blobs;

/// <summary>
/// Content-addressed storage: a blob's name is the SHA-256 of its bytes, so identical content is stored once and
/// never changes. The filesystem store is the single-machine default; <see cref="S3BlobStore"/> is shared by
/// API nodes and workers on several machines.
/// </summary>
public interface IBlobStore
{
    /// <summary>Stores the stream (to its end) and returns its address and size.</summary>
    Task<BlobRef> PutAsync(Stream content, CancellationToken ct);

    Task<Stream?> OpenReadAsync(string sha256, CancellationToken ct);

    Task<bool> ExistsAsync(string sha256, CancellationToken ct);

    Task DeleteAsync(string sha256, CancellationToken ct);

    /// <summary>Every stored address (for audits and erasure checks).</summary>
    IAsyncEnumerable<string> ListAsync(CancellationToken ct);
}

public sealed record BlobRef(string Sha256, long Size);

public static class BlobAddress
{
    public static bool IsValid(string? s) => s is { Length: 64 } && s.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    public static string Check(string sha256) =>
        IsValid(sha256) ? sha256 : throw new ArgumentException($"'{sha256}' is not a SHA-256 blob address.", nameof(sha256));

    /// <summary>Copies <paramref name="content"/> to <paramref name="target"/> to its end, hashing as it goes: the blob's address and size.</summary>
    public static async Task<BlobRef> CopyAndHashAsync(Stream content, Stream target, CancellationToken ct)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long size = 0;
        int read;
        while ((read = await content.ReadAsync(buffer, ct)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            await target.WriteAsync(buffer.AsMemory(0, read), ct);
            size += read;
        }
        return new BlobRef(Convert.ToHexStringLower(hash.GetHashAndReset()), size);
    }

    /// <summary>ab/cd/abcd…: two levels of fan-out keep directories (and S3 listings by prefix) small.</summary>
    public static string RelativePath(string sha256) => $"{Check(sha256)[..2]}/{sha256[2..4]}/{sha256}";
}
