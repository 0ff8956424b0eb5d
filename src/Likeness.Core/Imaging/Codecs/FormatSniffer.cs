using System.Text;

namespace Likeness.Imaging.Codecs;

/// <summary>Finds the format from the leading bytes (magic numbers), never from the file name.</summary>
public static class FormatSniffer
{
    const string ConvertHint = "convert to JPEG/PNG/WebP";

    /// <summary>The format, or null when the bytes are not JPEG, PNG or WebP.</summary>
    public static ImageFormat? TryDetect(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) return ImageFormat.Jpeg;
        if (data.StartsWith(PngSignature)) return ImageFormat.Png;
        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8)) return ImageFormat.WebP;
        return null;
    }

    /// <summary>The format; throws <see cref="ImageDecodeException"/> naming what the bytes are instead.</summary>
    public static ImageFormat Detect(ReadOnlySpan<byte> data, string? sourceName = null)
    {
        if (TryDetect(data) is { } format) return format;
        if (data.IsEmpty)
            throw new ImageDecodeException(ImageDecodeFailure.Empty, "empty file (0 bytes): not an image", sourceName);
        if (NameOtherFormat(data) is { } other)
            throw new ImageDecodeException(ImageDecodeFailure.UnsupportedFormat, $"unsupported format {other}: {ConvertHint}", sourceName);
        if (NameNonImage(data) is { } kind)
            throw new ImageDecodeException(ImageDecodeFailure.NotAnImage, $"not an image (looks like {kind}); expected JPEG, PNG or WebP", sourceName);
        throw new ImageDecodeException(ImageDecodeFailure.NotAnImage,
            $"not an image (no JPEG, PNG or WebP signature; starts with {Convert.ToHexString(data[..Math.Min(8, data.Length)])})", sourceName);
    }

    internal static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Image formats we recognise but do not read.</summary>
    static string? NameOtherFormat(ReadOnlySpan<byte> d)
    {
        if (IsoBrand(d) is { } brands)
        {
            if (brands.Contains("avif") || brands.Contains("avis")) return "AVIF";
            if (brands.Overlaps(HeifBrands)) return brands.Overlaps(HevcBrands) ? "HEIC" : "HEIF";
        }
        if (d.StartsWith("GIF87a"u8) || d.StartsWith("GIF89a"u8)) return "GIF";
        if (d.Length >= 14 && d.StartsWith("BM"u8)) return "BMP";
        if (d.StartsWith("II*\0"u8) || d.StartsWith("MM\0*"u8) || d.StartsWith("II+\0"u8) || d.StartsWith("MM\0+"u8)) return "TIFF";
        if (d.StartsWith("8BPS"u8)) return "PSD";
        if (d.Length >= 6 && d[0] == 0 && d[1] == 0 && (d[2] == 1 || d[2] == 2) && d[3] == 0 && d[4] != 0 && d[5] == 0) return "ICO";
        if (d.StartsWith(JpegXlCodestream) || d.StartsWith(JpegXlContainer)) return "JPEG XL";
        if (d.StartsWith(Jpeg2000Container)) return "JPEG 2000";
        if (LooksLikeSvg(d)) return "SVG";
        return null;
    }

    static string? NameNonImage(ReadOnlySpan<byte> d)
    {
        if (IsoBrand(d) is not null) return "an MP4/QuickTime video; export a frame as JPEG/PNG/WebP";
        if (d.StartsWith("%PDF"u8)) return "a PDF document";
        if (d.StartsWith("PK\x03\x04"u8)) return "a ZIP archive";
        if (d.Length >= 12 && d.StartsWith("RIFF"u8)) return $"a RIFF {Encoding.ASCII.GetString(d.Slice(8, 4))} file";
        var head = Encoding.ASCII.GetString(d[..Math.Min(64, d.Length)]).TrimStart();
        if (head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase))
            return "an HTML page";
        return null;
    }

    static ReadOnlySpan<byte> JpegXlCodestream => [0xFF, 0x0A];
    static ReadOnlySpan<byte> JpegXlContainer => [0, 0, 0, 0x0C, (byte)'J', (byte)'X', (byte)'L', (byte)' '];
    static ReadOnlySpan<byte> Jpeg2000Container => [0, 0, 0, 0x0C, (byte)'j', (byte)'P', (byte)' ', (byte)' '];

    static readonly HashSet<string> HeifBrands = ["heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1"];
    static readonly HashSet<string> HevcBrands = ["heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs"];

    /// <summary>Major and compatible brands of an ISO-BMFF "ftyp" box, or null when there is none.</summary>
    static HashSet<string>? IsoBrand(ReadOnlySpan<byte> d)
    {
        if (d.Length < 12 || !d.Slice(4, 4).SequenceEqual("ftyp"u8)) return null;
        uint boxSize = (uint)(d[0] << 24 | d[1] << 16 | d[2] << 8 | d[3]);
        int end = (int)Math.Min(Math.Min(boxSize, (uint)d.Length), 256);
        var brands = new HashSet<string> { Encoding.ASCII.GetString(d.Slice(8, 4)) };
        for (int i = 16; i + 4 <= end; i += 4) brands.Add(Encoding.ASCII.GetString(d.Slice(i, 4)));
        return brands;
    }

    static bool LooksLikeSvg(ReadOnlySpan<byte> d)
    {
        var head = Encoding.UTF8.GetString(d[..Math.Min(512, d.Length)]).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (head.StartsWith("<svg", StringComparison.OrdinalIgnoreCase)) return true;
        return head.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase) && head.Contains("<svg", StringComparison.OrdinalIgnoreCase);
    }
}
