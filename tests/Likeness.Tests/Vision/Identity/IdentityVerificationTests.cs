using Likeness.Tests.Support;
using Likeness.Vision.Faces.Detection;
using Likeness.Vision.Identity;
using Xunit.Abstractions;

namespace Likeness.Tests.Vision.Identity;

public class IdentityVerificationTests(ITestOutputHelper output)
{
    /// <summary>The bar: >= 97.5 % of PAIRS.tsv right at the stored threshold, embeddings computed afresh through the service.</summary>
    [SkippableFact]
    public async Task Default_settings_verify_pairs_at_the_stored_threshold_with_at_least_97_5_percent_accuracy()
    {
        var settings = IdentityVerificationSettings.Default;
        var service = new FaceIdentityService(TestModels.Require(YuNetDetector.Model, settings.Model), settings);
        var pairs = IdentityPair.Load();
        var embeddings = new Dictionary<string, FaceEmbedding>();
        foreach (var photo in IdentityPair.Photos(pairs))
        {
            var result = await service.EmbedDominantFaceAsync(TestModels.Photo(photo));
            embeddings[photo] = result.Embedding ?? throw new Xunit.Sdk.XunitException($"{photo}: {result.Problem}");
        }
        var scores = pairs.Select(p => embeddings[p.FileA].CosineSimilarity(embeddings[p.FileB])).ToArray();
        var at = VerificationCalibrator.Evaluate(scores, pairs.Select(p => p.Same).ToArray(), settings.Threshold);
        output.WriteLine($"{settings}: {at.Correct}/{at.Total} = {at.Accuracy:P2}, TAR {at.TrueAcceptRate:P1}, FAR {at.FalseAcceptRate:P2}");
        Assert.True(at.Accuracy >= 0.975, $"accuracy {at.Accuracy:P2} at threshold {settings.Threshold}");
    }
}
