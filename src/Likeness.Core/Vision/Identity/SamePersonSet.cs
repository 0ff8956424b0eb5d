namespace Likeness.Vision.Identity;

/// <summary>
/// The one rule for "is this set of photos one person" (check, views, generation references, the server's views job):
/// each photo's agreement is its similarity to the template of the others (leave-one-out,
/// <see cref="IdentityTemplate.MemberAgreement"/>); with 3+ photos those below the calibrated threshold are outliers
/// and are left out as long as most photos agree; with 2, a disagreement cannot say which one is the other person.
/// </summary>
public sealed record SamePersonSet(IReadOnlyList<float> Agreement, IReadOnlyList<int> Outliers, float Threshold)
{
    /// <summary>Two photos that do not match: neither can be trusted as the person.</summary>
    public bool PairDisagrees => Agreement.Count == 2 && Outliers.Count > 0;
    /// <summary>More than half of the photos are outliers: the set is not one person.</summary>
    public bool NoMajority => Agreement.Count >= 3 && Outliers.Count * 2 >= Agreement.Count;
    public bool IsOutlier(int index) => Outliers.Contains(index);

    public static SamePersonSet Of(IReadOnlyList<FaceEmbedding> embeddings, float threshold)
    {
        if (embeddings.Count < 2) return new(embeddings.Select(_ => 1f).ToList(), [], threshold);
        var agreement = IdentityTemplate.FromEmbeddings(embeddings).MemberAgreement();
        return new(agreement, agreement.Select((a, i) => (a, i)).Where(x => x.a < threshold).Select(x => x.i).ToList(), threshold);
    }

    public string Describe(int index, string photo) =>
        $"{photo}: does not look like the same person as the other photos (similarity {Agreement[index]:0.00} < {Threshold:0.00}); left out";
}
