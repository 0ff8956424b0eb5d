using System.Numerics.Tensors;

namespace Likeness.Vision.Identity;

/// <summary>An L2-normalised identity vector and the model that produced it (vectors of different models never compare).</summary>
public sealed record FaceEmbedding
{
    public float[] Vector { get; }
    public string ModelName { get; }

    /// <param name="vector">Normalised here to unit length.</param>
    public FaceEmbedding(float[] vector, string modelName)
    {
        ArgumentNullException.ThrowIfNull(vector);
        Vector = Normalized(vector);
        ModelName = modelName;
    }

    public int Dimension => Vector.Length;

    /// <summary>Cosine similarity in [-1, 1]; the vectors are unit length so this is their dot product.</summary>
    public float CosineSimilarity(FaceEmbedding other)
    {
        if (other.ModelName != ModelName || other.Dimension != Dimension)
            throw new ArgumentException($"cannot compare a {ModelName} embedding ({Dimension}-d) with a {other.ModelName} one ({other.Dimension}-d): embed both photos with the same model");
        return TensorPrimitives.Dot(Vector, other.Vector);
    }

    internal static float[] Normalized(ReadOnlySpan<float> v)
    {
        float norm = TensorPrimitives.Norm(v);
        if (!(norm > 1e-12f)) throw new ArgumentException("an embedding vector must be finite and non-zero");
        var result = new float[v.Length];
        TensorPrimitives.Divide(v, norm, result);
        return result;
    }
}
