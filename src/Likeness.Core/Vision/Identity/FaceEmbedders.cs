using Likeness.Inference;

namespace Likeness.Vision.Identity;

/// <summary>The identity models by name.</summary>
public static class FaceEmbedders
{
    public static IReadOnlyList<string> Names { get; } = [FrFeatureEmbedder.Model, MobileFaceNetEmbedder.Model];

    public static IFaceEmbedder Create(IModelSessions sessions, string model, FaceEmbedderOptions? options = null) => model switch
    {
        FrFeatureEmbedder.Model => new FrFeatureEmbedder(sessions, options),
        MobileFaceNetEmbedder.Model => new MobileFaceNetEmbedder(sessions, options),
        _ => throw new ArgumentException($"unknown face embedding model '{model}'; choose one of: {string.Join(", ", Names)}", nameof(model)),
    };
}
