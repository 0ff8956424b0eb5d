using System.Security.Cryptography;

namespace Likeness.Providers.Outputs;

/// <summary>Outputs as files named by their SHA-256 under {root}/{first two hex}/; written to a temp file then moved (no torn files).</summary>
public sealed class FileSystemOutputStore : IOutputStore
{
    readonly string _root;

    public FileSystemOutputStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(Path.Combine(_root, "tmp"));
    }

    public string Root => _root;

    public async Task<StoredOutput> PutAsync(Stream content, string contentType, string? sourceUrl, CancellationToken ct)
    {
        var temp = Path.Combine(_root, "tmp", Guid.NewGuid().ToString("N"));
        try
        {
            long size;
            byte[] hash;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                {
                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                }
                size = file.Length;
                hash = sha.GetHashAndReset();
            }
            var key = Convert.ToHexStringLower(hash) + ExtensionFor(contentType);
            var final = PathFor(key);
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            if (File.Exists(final)) File.Delete(temp);
            else File.Move(temp, final);
            return new StoredOutput(key, contentType, size, SourceUrl: sourceUrl);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public Task<Stream?> OpenAsync(string key, CancellationToken ct)
    {
        if (key.Length < 64 || key.Contains('/') || key.Contains('\\') || key.Contains("..")) return Task.FromResult<Stream?>(null);
        var path = PathFor(key);
        return Task.FromResult<Stream?>(File.Exists(path) ? File.OpenRead(path) : null);
    }

    string PathFor(string key) => Path.Combine(_root, key[..2], key);

    static string ExtensionFor(string contentType) => contentType switch
    {
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/webp" => ".webp",
        "application/zip" => ".zip",
        _ => ".bin",
    };
}
