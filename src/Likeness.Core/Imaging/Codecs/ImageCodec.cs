namespace Likeness.Imaging.Codecs;

/// <summary>
/// Reads and writes JPEG, PNG and WebP as <see cref="RgbaImage"/>. The format always comes from the bytes;
/// every input problem surfaces as <see cref="ImageDecodeException"/>. Safe to call from many threads at once.
/// </summary>
public static class ImageCodec
{
    /// <summary>Format, size, EXIF orientation and alpha from the headers only (no pixels, no native library).</summary>
    public static ImageInfo Identify(ReadOnlySpan<byte> data, string? sourceName = null) => ImageHeaders.Read(data, sourceName);

    public static ImageFormat DetectFormat(ReadOnlySpan<byte> data, string? sourceName = null) => FormatSniffer.Detect(data, sourceName);

    public static RgbaImage Decode(ReadOnlySpan<byte> data, string? sourceName = null, DecodeOptions? options = null)
    {
        options ??= DecodeOptions.Default;
        var info = ImageHeaders.Read(data, sourceName);
        ImageHeaders.EnsureWithinLimit(info, options, sourceName);
        return info.Format switch
        {
            ImageFormat.Jpeg => JpegCodec.Decode(data, info, options, sourceName),
            ImageFormat.Png => PngCodec.Decode(data, info, options, sourceName),
            _ => WebPCodec.Decode(data, info, options, sourceName),
        };
    }

    /// <summary>Decodes a file; errors name the path as given.</summary>
    public static RgbaImage Load(string path, DecodeOptions? options = null)
        => Decode(File.ReadAllBytes(path), path, options);

    public static byte[] Encode(RgbaImage image, ImageFormat format, EncodeOptions? options = null)
    {
        options ??= EncodeOptions.Default;
        byte[] encoded = format switch
        {
            ImageFormat.Jpeg => JpegCodec.Encode(image, options),
            ImageFormat.Png => PngCodec.Encode(image, options.FastPngCompression),
            ImageFormat.WebP => WebPCodec.Encode(image, options),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown image format"),
        };
        return options.Metadata is { IsEmpty: false } metadata ? ImageMetadata.Embed(encoded, metadata) : encoded;
    }

    /// <summary>
    /// Encodes by the extension (.jpg/.jpeg/.png/.webp) and writes atomically: a temp file in the same folder
    /// is renamed over <paramref name="path"/>, so readers never see a half-written image.
    /// </summary>
    public static void Save(RgbaImage image, string path, EncodeOptions? options = null)
    {
        var format = ImageFormats.FromExtension(path)
            ?? throw new ArgumentException($"cannot tell the image format from \"{path}\": use a .jpg, .jpeg, .png or .webp extension", nameof(path));
        var bytes = Encode(image, format, options);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"cannot save {path}: folder {folder} does not exist; create it first");
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            if (File.Exists(temp)) File.Delete(temp);
            throw;
        }
    }
}
