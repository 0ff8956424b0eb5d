using System.Buffers.Binary;

namespace Likeness.Imaging.Codecs;

/// <summary>Reads size, orientation and alpha from the headers alone: no native library, no pixel buffers.</summary>
internal static class ImageHeaders
{
    public static ImageInfo Read(ReadOnlySpan<byte> data, string? sourceName)
    {
        var format = FormatSniffer.Detect(data, sourceName);
        var info = format switch
        {
            ImageFormat.Jpeg => ReadJpeg(data, sourceName),
            ImageFormat.Png => ReadPng(data, sourceName),
            _ => ReadWebP(data, sourceName),
        };
        if (info.Width <= 0 || info.Height <= 0)
            throw ImageDecodeException.Corrupt(format, $"header gives an empty size {info.Width}x{info.Height}", sourceName);
        return info;
    }

    /// <summary>Refuses images over the pixel budget before anything is allocated for them.</summary>
    public static void EnsureWithinLimit(in ImageInfo info, DecodeOptions options, string? sourceName)
    {
        const long maxBufferPixels = int.MaxValue / 4;
        if (info.PixelCount <= options.MaxPixels && info.PixelCount <= maxBufferPixels) return;
        string what = $"{info.Format.DisplayName()} is {info.Width}x{info.Height} ({info.PixelCount:N0} pixels)";
        string reason = info.PixelCount > options.MaxPixels
            ? $"image too large: {what}, over the limit of {options.MaxPixels:N0} pixels; raise DecodeOptions.MaxPixels if you trust this file"
            : $"image too large: {what}, more than one RGBA buffer can hold ({maxBufferPixels:N0} pixels); downscale it with another tool first";
        throw new ImageDecodeException(ImageDecodeFailure.TooLarge, reason, sourceName, info.Format);
    }

    static ImageInfo ReadJpeg(ReadOnlySpan<byte> d, string? name)
    {
        int width = 0, height = 0;
        var orientation = ImageOrientation.Normal;
        bool sawExif = false;
        int pos = 2;
        while (pos < d.Length)
        {
            if (d[pos] != 0xFF)
                throw ImageDecodeException.Corrupt(ImageFormat.Jpeg, $"expected a marker at byte {pos}, found 0x{d[pos]:X2}", name);
            while (pos < d.Length && d[pos] == 0xFF) pos++;
            if (pos >= d.Length) break;
            byte marker = d[pos++];
            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7)) continue;
            if (marker is 0xD9 or 0xDA) break; // EOI, or SOS: entropy-coded data follows, headers are over
            if (pos + 2 > d.Length) break;
            int length = d[pos] << 8 | d[pos + 1];
            if (length < 2)
                throw ImageDecodeException.Corrupt(ImageFormat.Jpeg, $"segment 0xFF{marker:X2} at byte {pos - 2} has invalid length {length}", name);
            if (pos + length > d.Length) break;
            var segment = d.Slice(pos + 2, length - 2);
            if (IsStartOfFrame(marker) && segment.Length >= 5)
            {
                height = segment[1] << 8 | segment[2];
                width = segment[3] << 8 | segment[4];
            }
            else if (marker == 0xE1 && !sawExif && segment.StartsWith(ExifReader.JpegExifPrefix))
            {
                sawExif = true;
                orientation = ExifReader.ReadOrientation(segment[ExifReader.JpegExifPrefix.Length..]);
            }
            pos += length;
        }
        if (width == 0 || height == 0)
            throw ImageDecodeException.Corrupt(ImageFormat.Jpeg, "no frame header (SOF) with the image size: the file is truncated or damaged", name);
        return new ImageInfo(ImageFormat.Jpeg, width, height, orientation, HasAlpha: false);
    }

    static bool IsStartOfFrame(byte marker) => marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;

    static ImageInfo ReadPng(ReadOnlySpan<byte> d, string? name)
    {
        const int ihdrEnd = 8 + 8 + 13;
        if (d.Length < ihdrEnd)
            throw ImageDecodeException.Corrupt(ImageFormat.Png, $"file ends inside the IHDR header ({d.Length} bytes)", name);
        if (!d.Slice(12, 4).SequenceEqual("IHDR"u8))
            throw ImageDecodeException.Corrupt(ImageFormat.Png, "first chunk is not IHDR", name);
        uint width = BinaryPrimitives.ReadUInt32BigEndian(d[16..]);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(d[20..]);
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
            throw ImageDecodeException.Corrupt(ImageFormat.Png, $"IHDR gives an invalid size {width}x{height}", name);
        byte colorType = d[25];
        bool alpha = colorType is 4 or 6 || HasPngTransparencyChunk(d);
        return new ImageInfo(ImageFormat.Png, (int)width, (int)height, ImageOrientation.Normal, alpha);
    }

    static bool HasPngTransparencyChunk(ReadOnlySpan<byte> d)
    {
        foreach (var chunk in new PngChunkReader(d))
        {
            if (chunk.Type.SequenceEqual("tRNS"u8)) return true;
            if (chunk.Type.SequenceEqual("IDAT"u8)) return false;
        }
        return false;
    }

    static ImageInfo ReadWebP(ReadOnlySpan<byte> d, string? name)
    {
        if (d.Length < 30)
            throw ImageDecodeException.Corrupt(ImageFormat.WebP, $"file ends inside the headers ({d.Length} bytes)", name);
        var fourCc = d.Slice(12, 4);
        var payload = d[20..];
        if (fourCc.SequenceEqual("VP8X"u8))
        {
            byte flags = payload[0];
            int width = 1 + U24(payload[4..]), height = 1 + U24(payload[7..]);
            bool alpha = (flags & WebPContainer.AlphaFlag) != 0;
            return new ImageInfo(ImageFormat.WebP, width, height, ImageOrientation.Normal, alpha);
        }
        if (fourCc.SequenceEqual("VP8 "u8))
        {
            if (payload[3] != 0x9D || payload[4] != 0x01 || payload[5] != 0x2A)
                throw ImageDecodeException.Corrupt(ImageFormat.WebP, "VP8 frame has no key-frame start code", name);
            int width = BinaryPrimitives.ReadUInt16LittleEndian(payload[6..]) & 0x3FFF;
            int height = BinaryPrimitives.ReadUInt16LittleEndian(payload[8..]) & 0x3FFF;
            return new ImageInfo(ImageFormat.WebP, width, height, ImageOrientation.Normal, HasAlpha: false);
        }
        if (fourCc.SequenceEqual("VP8L"u8))
        {
            if (payload[0] != 0x2F)
                throw ImageDecodeException.Corrupt(ImageFormat.WebP, "VP8L stream has no 0x2F signature", name);
            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(payload[1..]);
            int width = (int)(bits & 0x3FFF) + 1, height = (int)((bits >> 14) & 0x3FFF) + 1;
            return new ImageInfo(ImageFormat.WebP, width, height, ImageOrientation.Normal, HasAlpha: ((bits >> 28) & 1) != 0);
        }
        throw ImageDecodeException.Corrupt(ImageFormat.WebP, $"first chunk '{System.Text.Encoding.ASCII.GetString(fourCc)}' is not VP8, VP8L or VP8X", name);
    }

    static int U24(ReadOnlySpan<byte> b) => b[0] | b[1] << 8 | b[2] << 16;
}
