using Likeness.Imaging.Tensors;

namespace Likeness.Vision.Identity;

/// <summary>Which embedding model to use, how to feed it, and the cosine similarity at or above which two faces are "same".</summary>
public sealed record IdentityVerificationSettings(string Model, ChannelOrder ChannelOrder, bool FlipAverage, float Threshold)
{
    /// <summary>The calibrated default (see <see cref="IdentityThresholds"/>).</summary>
    public static IdentityVerificationSettings Default { get; } = IdentityThresholds.FrFeature;

    public FaceEmbedderOptions EmbedderOptions => new(ChannelOrder, FlipAverage);
}

/// <summary>
/// Thresholds calibrated on ../shared/testdata/identity/PAIRS.tsv (590 pairs, 13 people; YuNet, dominant face,
/// ArcFace 112 alignment) by IdentityCalibrationTests: each is the best-accuracy threshold of its variant.
/// Table and reasoning: docs/identity-calibration.md. Recalibrate when the detector, alignment or model changes.
/// </summary>
public static class IdentityThresholds
{
    /// <summary>fr-feature, BGR, flip-averaged: 589/590 (99.83 %), TAR 100 % at FAR 1 %, widest separation (d' 7.34).</summary>
    public static IdentityVerificationSettings FrFeature { get; } = new(FrFeatureEmbedder.Model, ChannelOrder.Bgr, FlipAverage: true, Threshold: 0.411f);

    /// <summary>mobilefacenet, RGB, flip-averaged: 589/590 (99.83 %), TAR 100 % at FAR 1 % (d' 6.94).</summary>
    public static IdentityVerificationSettings MobileFaceNet { get; } = new(MobileFaceNetEmbedder.Model, ChannelOrder.Rgb, FlipAverage: true, Threshold: 0.437f);

    /// <summary>The calibrated settings for a model name.</summary>
    public static IdentityVerificationSettings For(string model) => model switch
    {
        FrFeatureEmbedder.Model => FrFeature,
        MobileFaceNetEmbedder.Model => MobileFaceNet,
        _ => throw new ArgumentException($"no calibrated threshold for face embedding model '{model}'; choose one of: {string.Join(", ", FaceEmbedders.Names)}", nameof(model)),
    };
}
