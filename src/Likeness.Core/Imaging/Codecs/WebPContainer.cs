using System.Buffers.Binary;

namespace Likeness.Imaging.Codecs;

/// <summary>RIFF/WebP chunk handling: the extended (VP8X) layout is needed to carry an XMP chunk.</summary>
internal static class WebPContainer
{
    public const byte AnimationFlag = 0x02;
    public const byte XmpFlag = 0x04;
    public const byte ExifFlag = 0x08;
    public const byte AlphaFlag = 0x10;
    public const byte IccFlag = 0x20;

    const int HeaderSize = 12;

    public readonly record struct Chunk(string FourCc, int Offset, int PayloadLength)
    {
        public int PayloadOffset => Offset + 8;
        /// <summary>Header + payload + the pad byte that keeps chunks at even offsets.</summary>
        public int TotalLength => 8 + PayloadLength + (PayloadLength & 1);
    }

    public static List<Chunk> Chunks(ReadOnlySpan<byte> webp)
    {
        var chunks = new List<Chunk>();
        int pos = HeaderSize;
        while (pos + 8 <= webp.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(webp[(pos + 4)..]);
            if (pos + 8 + (long)length > webp.Length)
                throw new ImageCodecException($"WebP chunk at byte {pos} claims {length} bytes but the file ends first: the file is truncated");
            var chunk = new Chunk(System.Text.Encoding.ASCII.GetString(webp.Slice(pos, 4)), pos, (int)length);
            chunks.Add(chunk);
            pos += chunk.TotalLength;
        }
        return chunks;
    }

    public static byte[]? ReadChunk(ReadOnlySpan<byte> webp, string fourCc)
    {
        foreach (var c in Chunks(webp))
            if (c.FourCc == fourCc) return webp.Slice(c.PayloadOffset, c.PayloadLength).ToArray();
        return null;
    }

    /// <summary>The file in extended format with <paramref name="xmp"/> as its only XMP chunk (replacing any old one).</summary>
    public static byte[] WithXmp(ReadOnlySpan<byte> webp, ReadOnlySpan<byte> xmp)
    {
        var chunks = Chunks(webp);
        if (chunks.Count == 0) throw new ImageCodecException("WebP file has no chunks: cannot add metadata");
        using var output = new MemoryStream(webp.Length + xmp.Length + 64);
        output.Write(webp[..HeaderSize]);

        if (chunks[0].FourCc == "VP8X")
        {
            var vp8x = webp.Slice(chunks[0].PayloadOffset, chunks[0].PayloadLength).ToArray();
            vp8x[0] |= XmpFlag;
            WriteChunk(output, "VP8X", vp8x);
        }
        else
        {
            var info = ImageHeaders.Read(webp, null);
            WriteChunk(output, "VP8X", ExtendedHeader(info.Width, info.Height, (byte)(XmpFlag | (info.HasAlpha ? AlphaFlag : 0))));
        }
        foreach (var c in chunks)
        {
            if (c.FourCc is "VP8X" or "XMP ") continue;
            output.Write(webp.Slice(c.Offset, Math.Min(c.TotalLength, webp.Length - c.Offset)));
            if (c.Offset + c.TotalLength > webp.Length) output.WriteByte(0);
        }
        WriteChunk(output, "XMP ", xmp);

        var file = output.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)(file.Length - 8));
        return file;
    }

    static byte[] ExtendedHeader(int width, int height, byte flags)
    {
        var payload = new byte[10];
        payload[0] = flags;
        WriteU24(payload.AsSpan(4), width - 1);
        WriteU24(payload.AsSpan(7), height - 1);
        return payload;
    }

    static void WriteU24(Span<byte> to, int value)
    {
        to[0] = (byte)value;
        to[1] = (byte)(value >> 8);
        to[2] = (byte)(value >> 16);
    }

    static void WriteChunk(Stream output, string fourCc, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[8];
        System.Text.Encoding.ASCII.GetBytes(fourCc, header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)payload.Length);
        output.Write(header);
        output.Write(payload);
        if ((payload.Length & 1) != 0) output.WriteByte(0);
    }
}
