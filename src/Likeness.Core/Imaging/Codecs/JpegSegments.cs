namespace Likeness.Imaging.Codecs;

/// <summary>JPEG header segments (everything before SOS) for reading and inserting APP1 XMP.</summary>
internal static class JpegSegments
{
    public static ReadOnlySpan<byte> XmpNamespace => "http://ns.adobe.com/xap/1.0/\0"u8;
    const int MaxSegmentPayload = 65535 - 2;

    /// <param name="Offset">Position of the 0xFF marker byte.</param>
    /// <param name="Length">Whole segment: marker + length field + payload.</param>
    public readonly record struct Segment(byte Marker, int Offset, int Length)
    {
        public int PayloadOffset => Offset + 4;
        public int PayloadLength => Length - 4;
    }

    /// <summary>Segments after SOI up to (not including) SOS; <paramref name="dataStart"/> is where SOS begins.</summary>
    public static List<Segment> Headers(ReadOnlySpan<byte> jpeg, out int dataStart)
    {
        var segments = new List<Segment>();
        int pos = 2;
        while (true)
        {
            if (pos + 4 > jpeg.Length || jpeg[pos] != 0xFF)
                throw new ImageCodecException($"JPEG headers are damaged at byte {pos}: cannot read or add metadata");
            byte marker = jpeg[pos + 1];
            if (marker is 0xDA or 0xD9) { dataStart = pos; return segments; }
            if (marker == 0xFF) { pos++; continue; } // fill byte
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) { pos += 2; continue; } // standalone marker, no payload
            int length = 2 + (jpeg[pos + 2] << 8 | jpeg[pos + 3]);
            if (pos + length > jpeg.Length)
                throw new ImageCodecException($"JPEG segment 0xFF{marker:X2} at byte {pos} runs past the end: the file is truncated");
            segments.Add(new Segment(marker, pos, length));
            pos += length;
        }
    }

    public static bool IsXmp(ReadOnlySpan<byte> jpeg, Segment s)
        => s.Marker == 0xE1 && jpeg.Slice(s.PayloadOffset, s.PayloadLength).StartsWith(XmpNamespace);

    static bool IsExif(ReadOnlySpan<byte> jpeg, Segment s)
        => s.Marker == 0xE1 && jpeg.Slice(s.PayloadOffset, s.PayloadLength).StartsWith(ExifReader.JpegExifPrefix);

    public static byte[]? ReadXmp(ReadOnlySpan<byte> jpeg)
    {
        foreach (var s in Headers(jpeg, out _))
            if (IsXmp(jpeg, s)) return jpeg.Slice(s.PayloadOffset + XmpNamespace.Length, s.PayloadLength - XmpNamespace.Length).ToArray();
        return null;
    }

    /// <summary>Inserts an APP1 XMP segment after SOI and any JFIF APP0 / Exif APP1, dropping older XMP segments.</summary>
    public static byte[] WithXmp(ReadOnlySpan<byte> jpeg, ReadOnlySpan<byte> xmp)
    {
        int payload = XmpNamespace.Length + xmp.Length;
        if (payload > MaxSegmentPayload)
            throw new ArgumentException($"XMP packet is {xmp.Length:N0} bytes; one JPEG APP1 segment holds at most {MaxSegmentPayload - XmpNamespace.Length:N0} (extended XMP is not supported): shorten the packet", nameof(xmp));
        var segments = Headers(jpeg, out int dataStart);
        using var output = new MemoryStream(jpeg.Length + payload + 4);
        output.Write(jpeg[..2]);
        int i = 0;
        for (; i < segments.Count && (segments[i].Marker == 0xE0 || IsExif(jpeg, segments[i])); i++)
            output.Write(jpeg.Slice(segments[i].Offset, segments[i].Length));
        output.Write([0xFF, 0xE1, (byte)((payload + 2) >> 8), (byte)(payload + 2)]);
        output.Write(XmpNamespace);
        output.Write(xmp);
        for (; i < segments.Count; i++)
            if (!IsXmp(jpeg, segments[i])) output.Write(jpeg.Slice(segments[i].Offset, segments[i].Length));
        output.Write(jpeg[dataStart..]);
        return output.ToArray();
    }
}
