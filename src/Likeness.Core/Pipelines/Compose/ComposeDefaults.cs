using Likeness.Compositing;
using Likeness.Vision.Matting;

namespace Likeness.Pipelines.Compose;

/// <summary>Compose defaults and limits for the CLI and the server (through <see cref="ComposeRequest"/>); the values
/// themselves live once, as constants on the option records that use them.</summary>
public static class ComposeDefaults
{
    public const double FaceWidth = PlacementOptions.DefaultFaceWidthFraction;
    public const double MinFaceWidth = 0.02, MaxFaceWidth = 0.9;
    public const float Harmonize = CompositeOptions.DefaultHarmonize;
    public const float Shadow = ShadowOptions.DefaultOpacity;
    public const float ShadowDirection = ShadowOptions.DefaultDirectionDegrees;
    public const float ShadowSoftness = ShadowOptions.DefaultSoftness;
    public const string Matting = MattingModels.Quality;
}
