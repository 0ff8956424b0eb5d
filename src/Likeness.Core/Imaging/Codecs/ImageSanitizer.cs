using System.Buffers.Binary;

namespace Likeness.Imaging.Codecs;

/// <summary>
/// Keeps only the image of an uploaded file: bytes after JPEG's EOI, PNG's IEND or WebP's RIFF size are dropped
/// (a JPEG with an HTML trailer, a PNG + ZIP), and so are PNG text chunks over <see cref="MaxPngTextChunk"/>
/// (a PNG with 1 GiB of tEXt). Pixels are untouched: no re-encoding, so no quality is lost.
/// </summary>
public static class ImageSanitizer
{
    public const int MaxPngTextChunk = 64 * 1024;

    public static byte[] Sanitize(byte[] data) => FormatSniffer.TryDetect(data) switch
    {
        ImageFormat.Jpeg => Jpeg(data),
        ImageFormat.Png => Png(data),
        ImageFormat.WebP => WebP(data),
        _ => data,
    };

    static byte[] Jpeg(byte[] data)
    {
        JpegSegments.Headers(data, out var scanStart);
        // In entropy-coded data 0xFF is followed by 0x00 (stuffing), a restart marker or another segment marker;
        // the first FF D9 after the first SOS is therefore the end of the image.
        var end = data.AsSpan(scanStart).IndexOf(stackalloc byte[] { 0xFF, 0xD9 });
        return end < 0 ? data : data[..(scanStart + end + 2)];
    }

    static byte[] Png(byte[] data)
    {
        using var output = new MemoryStream(data.Length);
        output.Write(data, 0, 8);
        var pos = 8;
        while (pos + 12 <= data.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(pos));
            if (length > int.MaxValue || pos + 12 + (long)length > data.Length) break; // damaged: the decoder reports it
            var type = data.AsSpan(pos + 4, 4);
            var whole = 12 + (int)length;
            var isText = type.SequenceEqual("tEXt"u8) || type.SequenceEqual("zTXt"u8) || type.SequenceEqual("iTXt"u8);
            if (!(isText && length > MaxPngTextChunk)) output.Write(data, pos, whole);
            pos += whole;
            if (type.SequenceEqual("IEND"u8)) return output.ToArray();
        }
        return data;
    }

    static byte[] WebP(byte[] data)
    {
        var size = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(4));
        var total = 8L + size + (size & 1);
        return total < data.Length ? data[..(int)total] : data;
    }
}
