using System.Text;

namespace Likeness.Imaging.Codecs;

/// <summary>Reads and embeds provenance metadata (XMP, PNG text) in already-encoded files, without re-encoding pixels.</summary>
public static class ImageMetadata
{
    /// <summary>The XMP packet (JPEG APP1, PNG iTXt "XML:com.adobe.xmp", WebP "XMP " chunk), or null when there is none.</summary>
    public static string? ReadXmp(ReadOnlySpan<byte> encoded)
    {
        byte[]? packet = FormatSniffer.TryDetect(encoded) switch
        {
            ImageFormat.Jpeg => JpegSegments.ReadXmp(encoded),
            ImageFormat.WebP => WebPContainer.ReadChunk(encoded, "XMP "),
            ImageFormat.Png => PngText.Read(encoded).TryGetValue(PngText.XmpKeyword, out var xmp) ? Encoding.UTF8.GetBytes(xmp) : null,
            _ => null,
        };
        return packet is null ? null : Encoding.UTF8.GetString(packet);
    }

    /// <summary>All tEXt/zTXt/iTXt entries of a PNG (the XMP packet included); empty for other formats.</summary>
    public static IReadOnlyDictionary<string, string> ReadPngText(ReadOnlySpan<byte> encoded)
        => FormatSniffer.TryDetect(encoded) == ImageFormat.Png ? PngText.Read(encoded) : new Dictionary<string, string>();

    /// <summary>A copy of the file carrying <paramref name="metadata"/>; an existing XMP packet or same-keyword text is replaced.</summary>
    public static byte[] Embed(ReadOnlySpan<byte> encoded, EmbeddedMetadata metadata, string? sourceName = null)
    {
        var format = FormatSniffer.Detect(encoded, sourceName);
        if (metadata.IsEmpty) return encoded.ToArray();
        bool hasText = metadata.PngText is { Count: > 0 };
        if (hasText && format != ImageFormat.Png)
            throw new ArgumentException($"{format.DisplayName()} cannot hold PNG text entries: put them in the XMP packet, or save as PNG", nameof(metadata));

        byte[]? xmp = metadata.Xmp is null ? null : Encoding.UTF8.GetBytes(metadata.Xmp);
        switch (format)
        {
            case ImageFormat.Jpeg: return JpegSegments.WithXmp(encoded, xmp!);
            case ImageFormat.WebP: return WebPContainer.WithXmp(encoded, xmp!);
            default:
                var entries = new List<KeyValuePair<string, string>>();
                if (hasText) entries.AddRange(metadata.PngText!.Where(e => metadata.Xmp is null || e.Key != PngText.XmpKeyword));
                if (metadata.Xmp is not null) entries.Add(new(PngText.XmpKeyword, metadata.Xmp));
                return PngText.WithText(encoded, entries);
        }
    }
}
