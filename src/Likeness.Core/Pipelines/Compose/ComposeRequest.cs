using System.Globalization;
using Likeness.Compositing;
using Likeness.Vision.Matting;

namespace Likeness.Pipelines.Compose;

/// <summary>
/// Compose options as a user gives them (CLI flags or a server job's JSON), every one optional. <see cref="ToOptions"/>
/// is the single validation: it fills the defaults from <see cref="ComposeDefaults"/> and refuses bad values with
/// one <see cref="LikenessException"/> naming each problem and its fix, before any work starts.
/// </summary>
public sealed record ComposeRequest
{
    public string? Matting { get; init; }
    /// <summary>"auto" or x,y,scale[,rotation].</summary>
    public string? Placement { get; init; }
    public double? FaceWidth { get; init; }
    public HorizontalAnchor? Anchor { get; init; }
    public float? Harmonize { get; init; }
    public float? Shadow { get; init; }
    public float? ShadowDirection { get; init; }
    public float? ShadowSoftness { get; init; }
    public string? Export { get; init; }
    public ComposeMode? Mode { get; init; }
    public bool AllowCrop { get; init; }
    public bool Force { get; init; }

    public ComposeOptions ToOptions()
    {
        var problems = new List<string>();
        var matting = (Matting ?? ComposeDefaults.Matting).Trim().ToLowerInvariant();
        if (!MattingModels.Names.Contains(matting))
            problems.Add($"matting '{Matting}' is not known: use one of {string.Join(", ", MattingModels.Names)} ('quality' has cleaner hair edges, 'fast' is quicker)");

        PersonPosition? position = null;
        if (Placement is { } p && !p.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            try { position = PersonPosition.Parse(p); }
            catch (LikenessException e) { problems.Add(e.Message); }
        }
        double faceWidth = FaceWidth ?? ComposeDefaults.FaceWidth;
        if (!(faceWidth >= ComposeDefaults.MinFaceWidth && faceWidth <= ComposeDefaults.MaxFaceWidth))
            problems.Add(Invariant($"face width {faceWidth} is outside {ComposeDefaults.MinFaceWidth}-{ComposeDefaults.MaxFaceWidth}: give the face's share of the output width (0.15-0.25 keeps it recognisable)"));
        float harmonize = Harmonize ?? ComposeDefaults.Harmonize;
        if (!(harmonize is >= 0 and <= 1)) problems.Add(Invariant($"harmonize {harmonize} is outside 0-1 (0 = leave the colours, 1 = match the scene fully)"));
        float shadow = Shadow ?? ComposeDefaults.Shadow;
        if (!(shadow is >= 0 and <= 1)) problems.Add(Invariant($"shadow {shadow} is outside 0-1 (0 = no shadow)"));
        float softness = ShadowSoftness ?? ComposeDefaults.ShadowSoftness;
        if (!(softness is >= 0 and <= 1)) problems.Add(Invariant($"shadow softness {softness} is outside 0-1 (a fraction of the person's height; {ComposeDefaults.ShadowSoftness} is the default)"));
        float direction = ShadowDirection ?? ComposeDefaults.ShadowDirection;
        if (!float.IsFinite(direction)) problems.Add("shadow direction must be a number of degrees (90 = straight down)");
        if (Export is { } preset && !ExportPresets.All.ContainsKey(preset))
            problems.Add($"'{preset}' is not an export preset: use one of {string.Join(", ", ExportPresets.All.Keys)}");
        if (problems.Count > 0) throw new LikenessException(string.Join("; ", problems));

        return new ComposeOptions
        {
            Matting = matting,
            Position = position,
            Placement = new PlacementOptions { FaceWidthFraction = faceWidth, Anchor = Anchor ?? HorizontalAnchor.Auto },
            Composite = new CompositeOptions
            {
                Harmonize = harmonize,
                Shadow = new ShadowOptions { Enabled = shadow > 0, Opacity = shadow, DirectionDegrees = direction, Softness = softness },
            },
            Export = Export,
            Mode = Mode ?? ComposeMode.Paste,
            AllowCrop = AllowCrop,
            Force = Force,
        };
    }

    static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
