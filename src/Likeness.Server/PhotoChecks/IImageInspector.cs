namespace Likeness.Server.PhotoChecks;

/// <summary>Format and dimensions of an image, and whether its bytes decode.</summary>
public interface IImageInspector
{
    ImageInspection Inspect(ReadOnlySpan<byte> bytes);
}

/// <param name="Format">"jpeg", "png" or "webp"; null when the bytes are none of these.</param>
/// <param name="Problem">Why the bytes cannot be used as that format (corrupt, truncated, too large); null when fine.</param>
public sealed record ImageInspection(string? Format, int Width, int Height, string? Problem)
{
    public bool IsImage => Format is not null && Problem is null;

    public string? MediaType => Format is null ? null : "image/" + Format;

    public static ImageInspection NotAnImage { get; } =
        new(null, 0, 0, "the file is not a JPEG, PNG or WebP image (its first bytes match none of them)");
}
