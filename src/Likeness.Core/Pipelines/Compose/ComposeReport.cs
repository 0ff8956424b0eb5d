using Likeness.Compositing;

namespace Likeness.Pipelines.Compose;

/// <summary>What `--report` writes: enough to see what was done and to catch a broken result.</summary>
public sealed record ComposeReport
{
    public required string Person { get; init; }
    public string? Scene { get; init; }
    public string? Background { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    /// <summary>full-body, half-body, head-and-shoulders or close-crop; null when no face was found.</summary>
    public string? Framing { get; init; }
    /// <summary>The extender that turned a close crop into a head-and-shoulders photo, if any.</summary>
    public string? ExtendedBy { get; init; }
    public PlacementReport? Placement { get; init; }
    /// <summary>Width of the person's face in the output as a fraction of the output width.</summary>
    public double? FaceWidthFraction { get; init; }
    /// <summary>Cosine similarity of the output's face to the person photo's face (about 1.0 when all is well).</summary>
    public double? IdentitySimilarity { get; init; }
    /// <summary>The person's face was found in the output where it was placed, with identity at or above the threshold.</summary>
    public bool Verified { get; init; }
    public double? IdentityThreshold { get; init; }
    public string? IdentityProblem { get; init; }
    public string? View { get; init; }
    public double? Yaw { get; init; }
    public required double MatteCoverage { get; init; }
    /// <summary>Mean alpha over the inner face and the chest (<see cref="Likeness.Vision.Matting.MatteOpacity"/>).</summary>
    public double? MatteFaceAlpha { get; init; }
    public double? MatteTorsoAlpha { get; init; }
    public required string MattingModel { get; init; }
    /// <summary>Set when the asked-for matting model's matte was not opaque and the other model was used.</summary>
    public string? MattingFallback { get; init; }
    public required Dictionary<string, double> TimingsMs { get; init; }
    public required Dictionary<string, string> Models { get; init; }
    public required Dictionary<string, string> Inputs { get; init; }
    public List<string> Warnings { get; init; } = [];
}

public sealed record PlacementReport(string Method, PersonPosition Position, string Reason);
