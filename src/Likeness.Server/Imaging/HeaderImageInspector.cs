using System.Buffers.Binary;

namespace Likeness.Server.Imaging;

/// <summary>Reads JPEG, PNG and WebP headers and checks their structure (markers, chunk CRCs, lengths, end markers).</summary>
public sealed class HeaderImageInspector : IImageInspector
{
    static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public ImageInspection Inspect(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return Jpeg(b);
        if (b.Length >= 8 && b[..8].SequenceEqual(PngSignature)) return Png(b);
        if (b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b.Slice(8, 4).SequenceEqual("WEBP"u8)) return WebP(b);
        return ImageInspection.NotAnImage;
    }

    static ImageInspection Jpeg(ReadOnlySpan<byte> b)
    {
        int pos = 2, width = 0, height = 0;
        while (true)
        {
            if (pos + 4 > b.Length) return ImageInspection.Corrupt("jpeg", "it ends inside its headers");
            if (b[pos] != 0xFF) return ImageInspection.Corrupt("jpeg", $"expected a marker at byte {pos}");
            while (pos < b.Length && b[pos] == 0xFF) pos++;
            if (pos + 3 > b.Length) return ImageInspection.Corrupt("jpeg", "it ends inside its headers");
            var marker = b[pos++];
            if (marker is 0xD8 or (>= 0xD0 and <= 0xD7) or 0x01) continue;
            if (marker == 0xD9) return ImageInspection.Corrupt("jpeg", "it ends before any image data");
            int length = BinaryPrimitives.ReadUInt16BigEndian(b[pos..]);
            if (length < 2 || pos + length > b.Length) return ImageInspection.Corrupt("jpeg", $"segment 0x{marker:X2} runs past the end of the file");
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (length < 7) return ImageInspection.Corrupt("jpeg", "its frame header is too short");
                height = BinaryPrimitives.ReadUInt16BigEndian(b[(pos + 3)..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(b[(pos + 5)..]);
            }
            if (marker == 0xDA)
            {
                if (width == 0 || height == 0) return ImageInspection.Corrupt("jpeg", "it has no frame header with the image size");
                // Entropy-coded data byte-stuffs 0xFF, so FF D9 after the scan header can only be the end marker.
                var rest = b[(pos + length)..];
                for (var i = 0; i + 1 < rest.Length; i++)
                    if (rest[i] == 0xFF && rest[i + 1] == 0xD9) return new ImageInspection("jpeg", width, height, null);
                return ImageInspection.Corrupt("jpeg", "it is truncated (no end-of-image marker)");
            }
            pos += length;
        }
    }

    static ImageInspection Png(ReadOnlySpan<byte> b)
    {
        int pos = 8, width = 0, height = 0;
        var sawData = false;
        while (true)
        {
            if (pos + 12 > b.Length) return ImageInspection.Corrupt("png", "it is truncated (no IEND chunk)");
            var length = BinaryPrimitives.ReadUInt32BigEndian(b[pos..]);
            if (length > int.MaxValue || pos + 12 + (long)length > b.Length) return ImageInspection.Corrupt("png", "a chunk runs past the end of the file");
            var type = b.Slice(pos + 4, 4);
            var data = b.Slice(pos + 8, (int)length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(b[(pos + 8 + (int)length)..]);
            if (Crc32(b.Slice(pos + 4, 4 + (int)length)) != crc)
                return ImageInspection.Corrupt("png", $"chunk {System.Text.Encoding.ASCII.GetString(type)} fails its CRC check");
            if (pos == 8)
            {
                if (!type.SequenceEqual("IHDR"u8) || length != 13) return ImageInspection.Corrupt("png", "it does not start with an IHDR chunk");
                width = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(data), int.MaxValue);
                height = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(data[4..]), int.MaxValue);
                if (width == 0 || height == 0) return ImageInspection.Corrupt("png", "its size is zero");
            }
            if (type.SequenceEqual("IDAT"u8)) sawData = true;
            if (type.SequenceEqual("IEND"u8))
                return sawData ? new ImageInspection("png", width, height, null) : ImageInspection.Corrupt("png", "it has no image data");
            pos += 12 + (int)length;
        }
    }

    static ImageInspection WebP(ReadOnlySpan<byte> b)
    {
        var riffSize = BinaryPrimitives.ReadUInt32LittleEndian(b[4..]);
        if (riffSize + 8L > b.Length) return ImageInspection.Corrupt("webp", "it is truncated (shorter than its RIFF header says)");
        if (b.Length < 30) return ImageInspection.Corrupt("webp", "it is too short to hold an image header");
        var chunk = b.Slice(12, 4);
        var data = b[20..];
        if (chunk.SequenceEqual("VP8 "u8))
        {
            if (data[3] != 0x9D || data[4] != 0x01 || data[5] != 0x2A) return ImageInspection.Corrupt("webp", "its VP8 start code is missing");
            return Sized(BinaryPrimitives.ReadUInt16LittleEndian(data[6..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(data[8..]) & 0x3FFF);
        }
        if (chunk.SequenceEqual("VP8L"u8))
        {
            if (data[0] != 0x2F) return ImageInspection.Corrupt("webp", "its VP8L signature is missing");
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(data[1..]);
            return Sized((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }
        if (chunk.SequenceEqual("VP8X"u8))
            return Sized((data[4] | data[5] << 8 | data[6] << 16) + 1, (data[7] | data[8] << 8 | data[9] << 16) + 1);
        return ImageInspection.Corrupt("webp", "it has no VP8, VP8L or VP8X image chunk");

        static ImageInspection Sized(int w, int h) =>
            w > 0 && h > 0 ? new ImageInspection("webp", w, h, null) : ImageInspection.Corrupt("webp", "its size is zero");
    }

    static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var c = 0xFFFFFFFFu;
        foreach (var x in bytes) c = CrcTable[(c ^ x) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
