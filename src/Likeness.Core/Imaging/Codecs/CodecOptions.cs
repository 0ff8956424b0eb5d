namespace Likeness.Imaging.Codecs;

public sealed record DecodeOptions
{
    public const long DefaultMaxPixels = 50_000_000;

    public static DecodeOptions Default { get; } = new();

    /// <summary>Largest width x height accepted; checked from the header before any pixel buffer is allocated.</summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>Rotate/flip JPEGs by their EXIF orientation tag so pixels come out upright.</summary>
    public bool ApplyExifOrientation { get; init; } = true;

    /// <summary>
    /// Accept JPEGs that libjpeg decodes with a warning (e.g. "premature end of JPEG file": a truncated upload whose
    /// missing tail comes out grey). Off by default: a half-grey face is worse than a clear error.
    /// </summary>
    public bool TolerateJpegWarnings { get; init; }
}

public sealed record EncodeOptions
{
    public const int DefaultJpegQuality = 92;
    public const int DefaultWebPQuality = 90;

    public static EncodeOptions Default { get; } = new();

    /// <summary>1..100; null means JPEG 92, WebP 90. Ignored by PNG and lossless WebP.</summary>
    public int? Quality { get; init; }

    /// <summary>WebP only: encode losslessly (exact pixels and alpha).</summary>
    public bool Lossless { get; init; }

    /// <summary>PNG only: about 4x faster to write, files about 1.5x larger (no row filters, zlib level 3).</summary>
    public bool FastPngCompression { get; init; }

    /// <summary>JPEG has no alpha: translucent pixels are flattened onto this colour.</summary>
    public Rgba32 JpegBackground { get; init; } = new(255, 255, 255);

    /// <summary>Provenance to embed in the written file (XMP in every format; text entries in PNG only).</summary>
    public EmbeddedMetadata? Metadata { get; init; }

    internal int QualityFor(ImageFormat format)
    {
        int q = Quality ?? (format == ImageFormat.WebP ? DefaultWebPQuality : DefaultJpegQuality);
        if (q is < 1 or > 100)
            throw new ImageEncodeException($"quality {q} is out of range: use 1..100 (defaults: JPEG {DefaultJpegQuality}, WebP {DefaultWebPQuality})");
        return q;
    }
}

/// <summary>
/// Metadata written into an encoded file. <see cref="Xmp"/> goes into JPEG APP1, PNG iTXt "XML:com.adobe.xmp"
/// or the WebP "XMP " chunk; <see cref="PngText"/> becomes uncompressed UTF-8 iTXt chunks and only PNG can hold it.
/// </summary>
public sealed record EmbeddedMetadata(string? Xmp = null, IReadOnlyDictionary<string, string>? PngText = null)
{
    public bool IsEmpty => Xmp is null && (PngText is null || PngText.Count == 0);
}

/// <summary>What a header says, read without decoding pixels.</summary>
public readonly record struct ImageInfo(ImageFormat Format, int Width, int Height, ImageOrientation Orientation, bool HasAlpha)
{
    /// <summary>Width once the orientation is applied (Height for rotated-by-90 orientations).</summary>
    public int OrientedWidth => Orientation.SwapsAxes() ? Height : Width;
    public int OrientedHeight => Orientation.SwapsAxes() ? Width : Height;
    public long PixelCount => (long)Width * Height;
}
