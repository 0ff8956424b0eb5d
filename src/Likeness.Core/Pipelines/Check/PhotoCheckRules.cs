namespace Likeness.Pipelines.Check;

/// <summary>The onboarding thresholds. Defaults follow the issue; sharpness/exposure were set on the shared test photos.</summary>
public sealed record PhotoCheckRules
{
    public long MaxBytes { get; init; } = 10 * 1024 * 1024;
    public int MinSide { get; init; } = 512;
    /// <summary>Face box width in pixels below which likeness cannot be kept.</summary>
    public int MinFaceWidth { get; init; } = 100;
    /// <summary>A second face this large relative to the first makes the photo ambiguous.</summary>
    public double SecondFaceRatio { get; init; } = 0.35;
    /// <summary>Variance of the Laplacian over the grey variance of the 112 px aligned face crop (sharp photos here: 0.12-0.66; a sigma-6 blur: 0.004).</summary>
    public double MinSharpness { get; init; } = 0.03;
    public double MinMeanLuma { get; init; } = 0.18;
    public double MaxMeanLuma { get; init; } = 0.88;
    public double MaxClipped { get; init; } = 0.25;
    public int IdealMinPhotos { get; init; } = 3;
    public int IdealMaxPhotos { get; init; } = 5;
}

public enum CheckSeverity { Ok, Warning, Error }

/// <summary>One finding: which rule, how bad, what was measured, and the fix.</summary>
/// <param name="PhotoIndex">For a set finding about one photo: its position in the checked set.</param>
public sealed record CheckFinding(string Rule, CheckSeverity Severity, string Message, string? Fix = null, int? PhotoIndex = null);

public sealed record PhotoCheckResult(string Photo, IReadOnlyList<CheckFinding> Findings, PhotoMeasurements? Measurements)
{
    public bool Usable => Findings.All(f => f.Severity != CheckSeverity.Error);
}

public sealed record PhotoMeasurements(string Format, int Width, int Height, long Bytes, int Faces, double? FaceWidthPx,
    double? FaceWidthFraction, double? Sharpness, double? MeanLuma, double? ClippedDark, double? ClippedBright,
    double? Yaw, string? View, double? SimilarityToOthers, string? Framing = null);

public sealed record SetCheckResult(IReadOnlyList<PhotoCheckResult> Photos, IReadOnlyList<CheckFinding> SetFindings)
{
    public bool AllUsable => Photos.All(p => p.Usable) && SetFindings.All(f => f.Severity != CheckSeverity.Error);
}
