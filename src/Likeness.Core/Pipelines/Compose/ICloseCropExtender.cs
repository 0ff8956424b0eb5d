using Likeness.Imaging;
using Likeness.Vision.Faces;

namespace Likeness.Pipelines.Compose;

/// <summary>An extended photo, or why it could not be made (the crop is then refused with that reason).</summary>
public sealed record CropExtension(RgbaImage? Image, string? Failure, decimal EstimatedUsd = 0)
{
    public static CropExtension Failed(string reason, decimal usd = 0) => new(null, reason, usd);
}

/// <summary>
/// Extends a close face crop to head and shoulders (provider outpainting through the likeness gate: same person,
/// same head angle, one face, no longer a close crop). <see cref="ComposePipeline"/> uses it, when given one, instead
/// of refusing a close crop, and then composes the extended photo; see <see cref="Generation.ProviderCropExtender"/>.
/// </summary>
public interface ICloseCropExtender
{
    /// <summary>A short name for the report and provenance, e.g. "gemini:gemini-3.1-flash-image".</summary>
    string Name { get; }

    Task<CropExtension> ExtendAsync(RgbaImage closeCrop, DetectedFace face, CancellationToken ct);
}
