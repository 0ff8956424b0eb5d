using Microsoft.Extensions.Options;

namespace Likeness.Server.Imaging;

/// <summary>
/// Checks a reference photo before it is accepted. The rules here need no face engine
/// (format, size, resolution); face detection, count, pose and blur come with the vision engine.
/// </summary>
public interface IPhotoChecker
{
    PhotoCheck Check(string fileName, ReadOnlySpan<byte> bytes);
}

public sealed record PhotoCheck(bool Passed, IReadOnlyList<string> Reasons, ImageInspection Image);

public sealed class PhotoRules
{
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;
    public int MinSide { get; set; } = 512;
}

public sealed class BasicPhotoChecker(IImageInspector inspector, IOptions<PhotoRules> rules) : IPhotoChecker
{
    public PhotoCheck Check(string fileName, ReadOnlySpan<byte> bytes)
    {
        var r = rules.Value;
        var reasons = new List<string>();
        if (bytes.Length > r.MaxBytes)
            reasons.Add($"{fileName} is {bytes.Length / 1048576.0:0.0} MB; the limit is {r.MaxBytes / 1048576.0:0.#} MB per photo: resize or recompress it");
        if (bytes.Length == 0) reasons.Add($"{fileName} is empty");
        var image = bytes.Length == 0 ? ImageInspection.NotAnImage : inspector.Inspect(bytes);
        if (bytes.Length > 0 && image.Problem is not null) reasons.Add($"{fileName}: {image.Problem}; upload a JPEG, PNG or WebP photo");
        else if (image.IsImage && Math.Min(image.Width, image.Height) < r.MinSide)
            reasons.Add($"{fileName} is {image.Width}x{image.Height}; photos need at least {r.MinSide}x{r.MinSide} pixels");
        return new PhotoCheck(reasons.Count == 0, reasons, image);
    }
}
