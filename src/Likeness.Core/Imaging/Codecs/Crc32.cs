namespace Likeness.Imaging.Codecs;

/// <summary>CRC-32 (IEEE 802.3) as PNG chunks use it, from System.IO.Hashing.</summary>
internal static class Crc32
{
    public static uint Compute(ReadOnlySpan<byte> data) => System.IO.Hashing.Crc32.HashToUInt32(data);

    /// <summary>The CRC of <paramref name="first"/> followed by <paramref name="second"/> (a PNG chunk's type and data).</summary>
    public static uint Compute(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        var hasher = new System.IO.Hashing.Crc32();
        hasher.Append(first);
        hasher.Append(second);
        return hasher.GetCurrentHashAsUInt32();
    }
}
