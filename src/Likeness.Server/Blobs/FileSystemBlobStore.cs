
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
            BlobRef blob;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                blob = await BlobAddress.CopyAndHashAsync(content, file, ct);
            var sha = blob.Sha256;
            var target = PathOf(sha);
            if (File.Exists(target)) File.Delete(temp);
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(temp, target, overwrite: true);
            }
            return blob;
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

    public Task<bool> ExistsAsync(string sha256, CancellationToken ct) => Task.FromResult(Exists(sha256));

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
            .Where(BlobAddress.IsValid)!;

    public IAsyncEnumerable<string> ListAsync(CancellationToken ct) => List().ToAsyncEnumerable();

    public string PathOf(string sha256) => Path.Combine(Root, BlobAddress.RelativePath(sha256));
}
