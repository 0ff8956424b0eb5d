using Likeness.Imaging.Codecs;

namespace Likeness.Server.PhotoChecks;

/// <summary>
/// Reads the headers with <see cref="ImageCodec.Identify"/> and then decodes every pixel, so a truncated or
/// damaged file is refused at upload instead of failing later in a job. Sizes are as displayed (EXIF orientation applied).
/// </summary>
public sealed class CodecImageInspector : IImageInspector
{
    public ImageInspection Inspect(ReadOnlySpan<byte> bytes)
    {
        ImageInfo info;
        try { info = ImageCodec.Identify(bytes); }
        catch (ImageDecodeException e) { return Refused(e); }
        try { ImageCodec.Decode(bytes); }
        catch (ImageDecodeException e) { return Refused(e) with { Format = Wire(info.Format) }; }
        return new ImageInspection(Wire(info.Format), info.OrientedWidth, info.OrientedHeight, null);
    }

    static ImageInspection Refused(ImageDecodeException e) => e.Failure switch
    {
        ImageDecodeFailure.Empty or ImageDecodeFailure.NotAnImage => ImageInspection.NotAnImage,
        ImageDecodeFailure.UnsupportedFormat => new(null, 0, 0, $"the file is not a JPEG, PNG or WebP image ({e.Reason})"),
        _ => new(e.Format is { } f ? Wire(f) : null, 0, 0, $"the file cannot be read: {e.Reason}"),
    };

    static string Wire(ImageFormat format) => format.ToString().ToLowerInvariant();
}
