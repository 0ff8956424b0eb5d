using System.Buffers.Binary;

namespace Likeness.Imaging.Codecs;

/// <summary>One chunk inside a PNG file; offsets are into the whole file.</summary>
internal readonly ref struct PngChunk(ReadOnlySpan<byte> type, ReadOnlySpan<byte> data, int offset)
{
    public ReadOnlySpan<byte> Type { get; } = type;
    public ReadOnlySpan<byte> Data { get; } = data;
    /// <summary>Where the chunk's length field starts.</summary>
    public int Offset { get; } = offset;
    /// <summary>Length + type + data + CRC.</summary>
    public int TotalLength => Data.Length + 12;
}

/// <summary>Walks the chunks after the signature; stops quietly at the first truncated or impossible chunk.</summary>
internal ref struct PngChunkReader(ReadOnlySpan<byte> file)
{
    readonly ReadOnlySpan<byte> _file = file;
    int _next = 8;
    PngChunk _current;

    public readonly PngChunkReader GetEnumerator() => this;
    public readonly PngChunk Current => _current;

    public bool MoveNext()
    {
        if (_next + 12 > _file.Length) return false;
        uint length = BinaryPrimitives.ReadUInt32BigEndian(_file[_next..]);
        if (length > int.MaxValue || _next + 12 + (long)length > _file.Length) return false;
        _current = new PngChunk(_file.Slice(_next + 4, 4), _file.Slice(_next + 8, (int)length), _next);
        _next += 12 + (int)length;
        return true;
    }
}

internal static class PngChunkWriter
{
    /// <summary>Writes length, type, data and CRC (over type + data).</summary>
    public static void Write(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Compute(type, data));
        output.Write(word);
    }
}
