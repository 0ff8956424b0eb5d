using System.Security.Cryptography;

namespace Likeness.Models;

/// <summary>
/// Writes a model into a temporary file beside its cache path, hashing while writing.
/// <see cref="CommitAsync"/> checks size and SHA-256 and renames atomically; disposing without a
/// successful commit deletes the temporary file, so no partial file ever stays in the cache.
/// </summary>
internal sealed class CacheFileWriter : IAsyncDisposable
{
    public const string PartialSuffix = ".partial";

    readonly ModelInfo model;
    readonly string source;
    readonly string targetPath;
    readonly Action<long>? bytesWritten;
    readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    readonly FileStream stream;
    bool committed;

    public CacheFileWriter(ModelInfo model, string targetPath, string source, Action<long>? bytesWritten)
    {
        this.model = model;
        this.targetPath = targetPath;
        this.source = source;
        this.bytesWritten = bytesWritten;
        Directory.CreateDirectory(Path.GetDirectoryName(targetPath)!);
        TempPath = $"{targetPath}.{Guid.NewGuid():N}{PartialSuffix}";
        stream = new FileStream(TempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileSha256.BufferSize, useAsync: true);
    }

    public string TempPath { get; }
    public long BytesWritten { get; private set; }

    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        if (BytesWritten + data.Length > model.Bytes)
            throw ModelIntegrityException.SizeMismatch(model, source, BytesWritten + data.Length);
        hash.AppendData(data.Span);
        await stream.WriteAsync(data, ct);
        BytesWritten += data.Length;
        bytesWritten?.Invoke(BytesWritten);
    }

    public async Task CopyFromAsync(Stream input, CancellationToken ct)
    {
        var buffer = new byte[FileSha256.BufferSize];
        int n;
        while ((n = await input.ReadAsync(buffer, ct)) > 0) await WriteAsync(buffer.AsMemory(0, n), ct);
    }

    /// <summary>Verifies what was written and moves it to the cache path; returns that path.</summary>
    public async Task<string> CommitAsync(CancellationToken ct)
    {
        await stream.FlushAsync(ct);
        await stream.DisposeAsync();
        if (BytesWritten != model.Bytes) throw ModelIntegrityException.SizeMismatch(model, source, BytesWritten);
        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (actual != model.Sha256) throw ModelIntegrityException.HashMismatch(model, source, actual);
        File.Move(TempPath, targetPath, overwrite: true);
        committed = true;
        return targetPath;
    }

    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync();
        hash.Dispose();
        if (!committed) File.Delete(TempPath);
    }
}
