using Likeness.Compositing;
using Likeness.Imaging;

namespace Likeness.Pipelines.Compose;

public enum ComposeMode { Paste, Mask }

/// <summary>Everything `likeness compose` can be told; defaults are what a first run should produce.</summary>
public sealed record ComposeOptions
{
    /// <summary>"quality" (ISNet), "fast" (selfie segmentation) or a matting model name.</summary>
    public string Matting { get; init; } = ComposeDefaults.Matting;
    /// <summary>Null for automatic placement, else an explicit normalised position.</summary>
    public PersonPosition? Position { get; init; }
    public PlacementOptions Placement { get; init; } = new();
    public CompositeOptions Composite { get; init; } = new();
    /// <summary>An export preset name (ig-story, ig-feed, ...), or null to write at scene resolution.</summary>
    public string? Export { get; init; }
    public ComposeMode Mode { get; init; } = ComposeMode.Paste;
    /// <summary>Place a close face crop (head or shoulders cut off) as it is, with a warning, instead of refusing it.</summary>
    public bool AllowCrop { get; init; }
    /// <summary>Write the output even when the person in it cannot be verified (face not found, identity below the
    /// threshold, no face in the person photo); the report then carries the problem as a warning.</summary>
    public bool Force { get; init; }
}

/// <summary>A background for background replacement: a solid colour or an image.</summary>
public sealed record BackgroundSpec(Rgba32? Color, RgbaImage? Image, string Description)
{
    public static BackgroundSpec Parse(string text, Func<string, RgbaImage> load)
    {
        if (text.StartsWith('#'))
        {
            var hex = text[1..];
            if (hex.Length != 6 || !int.TryParse(hex, System.Globalization.NumberStyles.HexNumber, null, out var v))
                throw new LikenessException($"background colour '{text}' is not #RRGGBB (e.g. #FFFFFF for white)");
            return new BackgroundSpec(new Rgba32((byte)(v >> 16), (byte)(v >> 8), (byte)v), null, text.ToUpperInvariant());
        }
        return new BackgroundSpec(null, load(text), Path.GetFileName(text));
    }
}
