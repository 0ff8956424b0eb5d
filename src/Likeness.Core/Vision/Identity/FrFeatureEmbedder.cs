using Likeness.Inference;

namespace Likeness.Vision.Identity;

/// <summary>fr_feature (512-d): the default identity model.</summary>
public sealed class FrFeatureEmbedder(IModelSessions sessions, FaceEmbedderOptions? options = null)
    : ArcFaceStyleEmbedder(sessions, options ?? DefaultOptions)
{
    public const string Model = "fr-feature";
    public static FaceEmbedderOptions DefaultOptions => IdentityThresholds.FrFeature.EmbedderOptions;
    public override string ModelName => Model;
    public override int Dimension => 512;
}
