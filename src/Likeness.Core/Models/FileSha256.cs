using System.Security.Cryptography;

namespace Likeness.Models;

internal static class FileSha256
{
    internal const int BufferSize = 1 << 17;

    /// <summary>Lower-case hex SHA-256 of a file; <paramref name="bytesRead"/> gets the running total.</summary>
    public static async Task<string> ComputeAsync(string path, Action<long>? bytesRead, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
        var buffer = new byte[BufferSize];
        long total = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer, ct)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            total += n;
            bytesRead?.Invoke(total);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
