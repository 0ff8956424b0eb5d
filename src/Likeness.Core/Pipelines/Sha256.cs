using System.Security.Cryptography;

namespace Likeness.Pipelines;

public static class Sha256
{
    public static string Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
