using System.Security.Cryptography;

namespace Likeness.Server.Blobs;

/// <summary>Blobs as files under root/ab/cd/abcd…; written to a temp file first and moved into place.</summary>
public sealed class FileSystemBlobStore(string root) : IBlobStore
{
    public string Root { get; } = Directory.CreateDirectory(root).FullName;

    public async Task<BlobRef> PutAsync(Stream content, CancellationToken ct)
    {
        var tempDir = Directory.CreateDirectory(Path.Combine(Root, "tmp")).FullName;
        var temp = Path.Combine(tempDir, Guid.NewGuid().ToString("N"));
        try
        {
            string sha;
            long size;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                size = file.Length;
                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            var target = PathOf(sha);
            if (File.Exists(target)) File.Delete(temp);
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(temp, target, overwrite: true);
            }
            return new BlobRef(sha, size);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public Task<Stream?> OpenReadAsync(string sha256, CancellationToken ct)
    {
        var path = PathOf(sha256);
        Stream? stream = File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true) : null;
        return Task.FromResult(stream);
    }

    public bool Exists(string sha256) => File.Exists(PathOf(sha256));

    public Task DeleteAsync(string sha256, CancellationToken ct)
    {
        var path = PathOf(sha256);
        if (File.Exists(path)) File.Delete(path);
        return Task.CompletedTask;
    }

    public IEnumerable<string> List() =>
        Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Where(p => !p.StartsWith(Path.Combine(Root, "tmp"), StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .Where(IsAddress)!;

    public string PathOf(string sha256)
    {
        if (!IsAddress(sha256)) throw new ArgumentException($"'{sha256}' is not a SHA-256 blob address.", nameof(sha256));
        return Path.Combine(Root, sha256[..2], sha256[2..4], sha256);
    }

    static bool IsAddress(string? s) => s is { Length: 64 } && s.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
