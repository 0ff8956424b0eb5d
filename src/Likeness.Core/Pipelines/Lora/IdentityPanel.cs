using Likeness.Pipelines.Generation;
using Likeness.Vision.Faces.Pose;

namespace Likeness.Pipelines.Lora;

/// <summary>One test of the identity panel: the prompt (with the trigger word) and what its output must show.</summary>
public sealed record PanelTest(string Name, string Prompt, GateExpectation Expectation);

/// <summary>A test's outcome: passed or failed with the reason, and the gate's figures.</summary>
public sealed record PanelResult(string Test, bool Passed, string Verdict, double? Similarity, double? Yaw, string? View, int Faces, Guid? AssetId);

/// <summary>The panel of one LoRA version: every test and an overall score (mean identity similarity, tests passed).</summary>
public sealed record PanelReport(int Version, IReadOnlyList<PanelResult> Results, double? MeanSimilarity, int Passed, int Total, DateTime Created)
{
    public static PanelReport From(int version, IReadOnlyList<PanelResult> results)
    {
        var scores = results.Where(r => r.Similarity is not null).Select(r => r.Similarity!.Value).ToList();
        return new(version, results, scores.Count == 0 ? null : Math.Round(scores.Average(), 3), results.Count(r => r.Passed), results.Count, DateTime.UtcNow);
    }
}

/// <summary>
/// The five-test identity panel (portrait, full body, profile, lighting variation, expression): each a prompt with
/// the LoRA's trigger word, each output judged by the likeness gate (identity at the calibrated threshold, one face;
/// the profile test also by view). No regeneration: the panel measures the LoRA, it does not polish it.
/// </summary>
public static class IdentityPanel
{
    /// <summary>The LoRA strength used for an identity's generations unless overridden.</summary>
    public const double LoraScale = 0.8;

    public static IReadOnlyList<PanelTest> Tests(string trigger) =>
    [
        new("portrait", $"a photo of {trigger}, head and shoulders portrait looking into the camera, soft studio light, plain background",
            new GateExpectation(FaceView.Front, GateFraming.Any)),
        new("full-body", $"a full body photo of {trigger} standing in a park, whole figure from head to feet in the frame, natural daylight",
            new GateExpectation(null, GateFraming.Any)),
        new("profile", $"a side profile photo of {trigger}: the nose points at the RIGHT EDGE of the image, only one eye visible, plain background",
            new GateExpectation(FaceView.ProfileRight, GateFraming.Any)),
        new("lighting", $"a photo of {trigger} at night lit by warm candle light from the left, dark background, head and shoulders",
            new GateExpectation(null, GateFraming.Any)),
        new("expression", $"a photo of {trigger} laughing with an open mouth, head and shoulders, bright daylight",
            new GateExpectation(null, GateFraming.Any)),
    ];
}
