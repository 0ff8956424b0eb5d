namespace Likeness.Imaging.Codecs;

/// <summary>Base of every error the image codecs raise (bad input, failed encode, missing native library).</summary>
public class ImageCodecException : LikenessException
{
    public ImageCodecException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>What kind of input problem stopped a decode; lets callers map it (e.g. to HTTP 415 vs 422).</summary>
public enum ImageDecodeFailure
{
    /// <summary>Zero bytes.</summary>
    Empty,
    /// <summary>No known image signature at all.</summary>
    NotAnImage,
    /// <summary>A recognised image format Likeness does not read (HEIC, GIF, TIFF...).</summary>
    UnsupportedFormat,
    /// <summary>A supported format using a feature we refuse (animation, CMYK oddities...).</summary>
    UnsupportedFeature,
    /// <summary>Truncated or damaged data; <see cref="ImageDecodeException.Reason"/> carries the library's words.</summary>
    Corrupt,
    /// <summary>Dimensions over <see cref="DecodeOptions.MaxPixels"/>; refused before any pixel buffer exists.</summary>
    TooLarge,
}

/// <summary>An image that could not be read. The message is "source: reason".</summary>
public sealed class ImageDecodeException : ImageCodecException
{
    public ImageDecodeException(ImageDecodeFailure failure, string reason, string? sourceName, ImageFormat? format = null, Exception? inner = null)
        : base(sourceName is null ? reason : $"{sourceName}: {reason}", inner)
    {
        Failure = failure;
        Reason = reason;
        SourceName = sourceName;
        Format = format;
    }

    public ImageDecodeFailure Failure { get; }

    /// <summary>The reason without the file name, e.g. "corrupt JPEG (libturbojpeg: missing SOS marker)".</summary>
    public string Reason { get; }

    /// <summary>File name when known (Load, or Decode with a sourceName).</summary>
    public string? SourceName { get; }

    /// <summary>The format when it was recognised as one we read.</summary>
    public ImageFormat? Format { get; }

    internal static ImageDecodeException Corrupt(ImageFormat format, string detail, string? sourceName)
        => new(ImageDecodeFailure.Corrupt, $"corrupt {format.DisplayName()} ({detail})", sourceName, format);
}

/// <summary>An image that could not be written (bad options, library failure).</summary>
public sealed class ImageEncodeException : ImageCodecException
{
    public ImageEncodeException(string message, Exception? inner = null) : base(message, inner) { }
}
