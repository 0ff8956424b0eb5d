namespace Likeness.Vision.Identity;

/// <summary>
/// One identity from several reference photos: the normalised mean of their embeddings. A template is
/// steadier than any single photo; <see cref="MemberAgreement"/> finds the photo that does not belong.
/// </summary>
public sealed class IdentityTemplate
{
    public FaceEmbedding Embedding { get; }
    public IReadOnlyList<FaceEmbedding> Members { get; }

    IdentityTemplate(FaceEmbedding embedding, IReadOnlyList<FaceEmbedding> members)
    {
        Embedding = embedding;
        Members = members;
    }

    public static IdentityTemplate FromEmbeddings(IEnumerable<FaceEmbedding> embeddings)
    {
        var members = embeddings.ToList();
        if (members.Count == 0) throw new ArgumentException("an identity template needs at least one embedding", nameof(embeddings));
        var model = members[0].ModelName;
        if (members.FirstOrDefault(m => m.ModelName != model || m.Dimension != members[0].Dimension) is { } odd)
            throw new ArgumentException($"a template mixes {model} and {odd.ModelName} embeddings: embed every reference photo with the same model", nameof(embeddings));
        return new IdentityTemplate(Mean(members, model), members);
    }

    public float CosineSimilarity(FaceEmbedding probe) => Embedding.CosineSimilarity(probe);

    /// <summary>
    /// For each member, its similarity to the template of the OTHER members (leave one out), in member order.
    /// A low value marks an outlier: a different person, or a photo too poor to represent the identity.
    /// With one member there is nothing to compare against, so it gets 1.
    /// </summary>
    public IReadOnlyList<float> MemberAgreement()
    {
        if (Members.Count == 1) return [1f];
        var result = new float[Members.Count];
        for (int i = 0; i < Members.Count; i++)
        {
            var others = Members.Where((_, j) => j != i).ToList();
            result[i] = Mean(others, Embedding.ModelName).CosineSimilarity(Members[i]);
        }
        return result;
    }

    /// <summary>Indexes of members whose leave-one-out similarity falls below <paramref name="threshold"/>.</summary>
    public IReadOnlyList<int> Outliers(float threshold) =>
        MemberAgreement().Select((s, i) => (s, i)).Where(t => t.s < threshold).Select(t => t.i).ToList();

    static FaceEmbedding Mean(IReadOnlyList<FaceEmbedding> members, string model)
    {
        var sum = new float[members[0].Dimension];
        foreach (var m in members)
            System.Numerics.Tensors.TensorPrimitives.Add(sum, m.Vector, sum);
        return new FaceEmbedding(sum, model);
    }
}
