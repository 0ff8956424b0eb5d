using Likeness.Vision.Identity;

namespace Likeness.Tests.Vision.Identity;

public class IdentityTemplateTests
{
    static FaceEmbedding E(params float[] v) => new(v, "test");

    [Fact]
    public void Embeddings_are_unit_length_and_cosine_is_their_dot_product()
    {
        var a = E(3, 4);
        Assert.Equal(0.6f, a.Vector[0], 6);
        Assert.Equal(0.8f, a.Vector[1], 6);
        Assert.Equal(0f, a.CosineSimilarity(E(-4, 3)), 6);
        Assert.Equal(1f, a.CosineSimilarity(E(6, 8)), 6);
        Assert.Throws<ArgumentException>(() => E(0, 0));
        Assert.Contains("same model", Assert.Throws<ArgumentException>(() => a.CosineSimilarity(new FaceEmbedding([1, 0], "other"))).Message);
    }

    [Fact]
    public void Template_is_the_normalised_mean()
    {
        var t = IdentityTemplate.FromEmbeddings([E(1, 0), E(0, 1)]);
        Assert.Equal(MathF.Sqrt(0.5f), t.Embedding.Vector[0], 5);
        Assert.Equal(MathF.Sqrt(0.5f), t.Embedding.Vector[1], 5);
        Assert.Equal(2, t.Members.Count);
    }

    [Fact]
    public void Leave_one_out_agreement_finds_the_outlier()
    {
        var t = IdentityTemplate.FromEmbeddings([E(1, 0.1f, 0), E(1, -0.1f, 0), E(1, 0, 0.1f), E(0, 0, 1)]);
        var agreement = t.MemberAgreement();
        Assert.Equal(4, agreement.Count);
        Assert.True(agreement[3] < 0.2f, $"outlier agreement {agreement[3]}");
        Assert.All(agreement.Take(3), a => Assert.True(a > 0.8f));
        Assert.Equal([3], t.Outliers(0.5f));
    }

    [Fact]
    public void Mixed_models_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => IdentityTemplate.FromEmbeddings([E(1, 0), new FaceEmbedding([1, 0], "other")]));
        Assert.Contains("same model", e.Message);
        Assert.Throws<ArgumentException>(() => IdentityTemplate.FromEmbeddings([]));
    }
}
