using Likeness.Vision.Faces.Landmarks;

namespace Likeness.Pipelines.Swap;

/// <summary>FaceFusion's four mask kinds; the swap uses the minimum of the chosen ones (and of the warped face's own coverage).</summary>
public enum SwapMaskKind { Box, Occlusion, Area, Region }

/// <summary>Parser classes a region mask can keep.</summary>
public enum FaceRegion { Skin, Hair }

public sealed record SwapOptions
{
    public IReadOnlyList<SwapMaskKind> Masks { get; init; } = [SwapMaskKind.Box, SwapMaskKind.Occlusion];
    public IReadOnlyList<FaceArea> Areas { get; init; } = MeshAreas.All;
    public IReadOnlyList<FaceRegion> Regions { get; init; } = [FaceRegion.Skin];
    /// <summary>Box mask: padding added around the face box, as a share of its size.</summary>
    public float BoxPadding { get; init; } = 0.05f;
    /// <summary>Box mask: feather width as a share of the face size.</summary>
    public float BoxBlur { get; init; } = 0.15f;
    /// <summary>How far the source's skin colour moves to the target's (Lab mean and spread), 0..1.</summary>
    public float ColorMatch { get; init; } = 1f;
    /// <summary>Faces to replace by index (largest first, as `analyze` lists them); empty = the largest only, unless <see cref="AllFaces"/>.</summary>
    public IReadOnlyList<int> FaceIndices { get; init; } = [];
    public bool AllFaces { get; init; }
    /// <summary>
    /// The fast path (video frames without occlusion): colour matched in RGB, a feathered alpha blend instead of the
    /// multi-band blend, and no parser run unless an occlusion or region mask asks for it.
    /// </summary>
    public bool Fast { get; init; }
    /// <summary>Keep each mask for inspection (`--save-masks`).</summary>
    public bool KeepMasks { get; init; }

    /// <summary>Options from mask, area and region names as the CLI and the API take them (null or empty: the defaults).</summary>
    public static SwapOptions FromNames(IEnumerable<string>? masks, IEnumerable<string>? areas, IEnumerable<string>? regions)
    {
        var defaults = new SwapOptions();
        List<T>? Parsed<T>(IEnumerable<string>? names, Func<string, T> parse) => names?.ToList() is { Count: > 0 } list ? list.Select(parse).ToList() : null;
        return new SwapOptions
        {
            Masks = Parsed(masks, ParseMask) ?? defaults.Masks,
            Areas = Parsed(areas, MeshAreas.Parse) ?? defaults.Areas,
            Regions = Parsed(regions, ParseRegion) ?? defaults.Regions,
        };
    }

    public static SwapMaskKind ParseMask(string name) => name.Trim().ToLowerInvariant() switch
    {
        "box" => SwapMaskKind.Box, "occlusion" => SwapMaskKind.Occlusion, "area" => SwapMaskKind.Area, "region" => SwapMaskKind.Region,
        _ => throw new ArgumentException($"'{name}' is not a mask kind; use box, occlusion, area or region."),
    };

    public static FaceRegion ParseRegion(string name) => name.Trim().ToLowerInvariant() switch
    {
        "skin" => FaceRegion.Skin, "hair" => FaceRegion.Hair,
        _ => throw new ArgumentException($"'{name}' is not a region; use skin or hair."),
    };
}
