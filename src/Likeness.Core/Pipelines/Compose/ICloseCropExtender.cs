using Likeness.Imaging;
using Likeness.Vision.Faces;

namespace Likeness.Pipelines.Compose;

/// <summary>
/// Extension point for close face crops: extends the photo to head and shoulders (provider outpainting through
/// the generation gate: same person, one face). <see cref="ComposePipeline"/> uses it, when given one, instead of
/// refusing a close crop, and then composes the extended photo; none is implemented yet.
/// </summary>
public interface ICloseCropExtender
{
    /// <summary>A short name for the report and provenance, e.g. "fal:outpaint".</summary>
    string Name { get; }

    /// <summary>The extended photo, or null when it could not be made (the crop is then refused).</summary>
    Task<RgbaImage?> ExtendAsync(RgbaImage closeCrop, DetectedFace face, CancellationToken ct);
}
