using Likeness.Imaging;
using Likeness.Models;
using Likeness.Vision.Faces;
using Likeness.Vision.Matting;

namespace Likeness.Pipelines;

/// <summary>A matte that was checked for opacity on the person, and how it was obtained.</summary>
/// <param name="Opacity">Null when there was no face to measure against.</param>
/// <param name="Fallback">Set when the asked-for model's matte was not opaque and the other model's was used.</param>
public sealed record CheckedMatte(MattingResult Result, IMatting Model, MatteOpacity? Opacity, string? Fallback);

/// <summary>
/// Mattes the person and refuses a ghost: the matte must be opaque inside the face and on the chest
/// (<see cref="MatteOpacity"/>). When it is not, the other matting model (ISNet ↔ selfie segmentation) is tried,
/// and when that fails too the photo is refused with both measurements.
/// </summary>
public sealed class PersonMatting(VisionEngine engine)
{
    public async Task<CheckedMatte> MatteAsync(RgbaImage image, DetectedFace? face, string matting, string photoName, CancellationToken ct)
    {
        var first = engine.Matting(matting);
        var result = await first.MatteAsync(image, ct);
        if (face is null) return new CheckedMatte(result, first, null, null);
        var opacity = MatteOpacity.Measure(result.Alpha, face);
        if (opacity.Opaque && result.PersonBounds is not null) return new CheckedMatte(result, first, opacity, null);

        var otherName = OtherModel(first.ModelName);
        IMatting other;
        MattingResult second;
        try
        {
            other = engine.Matting(otherName);
            second = await other.MatteAsync(image, ct);
        }
        catch (ModelUnavailableException e)
        {
            throw new ComposeRefusedException(ComposeRefusal.GhostMatte,
                $"{photoName}: the person matte is not opaque on the person ({opacity} with {first.ModelName}; at least {MatteOpacity.MinFace:0.00} in the face is needed) " +
                $"and the other matting model could not be loaded ({e.Message}): fetch it with `likeness models fetch`, or use a photo with a plainer background");
        }
        var secondOpacity = MatteOpacity.Measure(second.Alpha, face);
        if (secondOpacity.Opaque && second.PersonBounds is not null)
            return new CheckedMatte(second, other, secondOpacity,
                $"the {first.ModelName} matte was not opaque on the person ({opacity}); used {other.ModelName} ({secondOpacity})");
        throw new ComposeRefusedException(ComposeRefusal.GhostMatte,
            $"{photoName}: the person matte is not opaque on the person ({first.ModelName}: {opacity}; {other.ModelName}: {secondOpacity}; " +
            $"at least {MatteOpacity.MinFace:0.00} in the face and {MatteOpacity.MinTorso:0.00} on the chest are needed), so the person would show as a ghost: " +
            "use a photo where the person stands out clearly from a plainer background");
    }

    /// <summary>The model of the other family: selfie segmentation for ISNet (either precision), ISNet for selfie segmentation.</summary>
    public static string OtherModel(string modelName) =>
        modelName == SelfieSegmentationMatting.Model ? MattingModels.Quality : MattingModels.Fast;
}
