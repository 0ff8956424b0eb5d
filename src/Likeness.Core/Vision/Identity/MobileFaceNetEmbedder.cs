using Likeness.Inference;

namespace Likeness.Vision.Identity;

/// <summary>MobileFaceNet (128-d): the smaller alternative.</summary>
public sealed class MobileFaceNetEmbedder(IModelSessions sessions, FaceEmbedderOptions? options = null)
    : ArcFaceStyleEmbedder(sessions, options ?? DefaultOptions)
{
    public const string Model = "mobilefacenet";
    public static FaceEmbedderOptions DefaultOptions => IdentityThresholds.MobileFaceNet.EmbedderOptions;
    public override string ModelName => Model;
    public override int Dimension => 128;
}
