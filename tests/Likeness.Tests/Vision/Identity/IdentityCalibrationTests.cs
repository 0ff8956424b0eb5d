using System.Text;
using Likeness.Imaging.Tensors;
using Likeness.Tests.Support;
using Likeness.Vision.Identity;
using Xunit.Abstractions;

namespace Likeness.Tests.Vision.Identity;

/// <summary>
/// The calibration run behind docs/identity-calibration.md: every model x channel order x flip variant over
/// PAIRS.tsv (YuNet, dominant face, ArcFace alignment). Prints the table, and fails when a stored threshold no
/// longer matches what calibration gives (the pipeline changed: recalibrate and update the doc).
/// </summary>
public class IdentityCalibrationTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Calibration_table_over_all_variants()
    {
        var pairs = IdentityPair.Load();
        var sessions = TestModels.Require(FrFeatureEmbedder.Model, MobileFaceNetEmbedder.Model);
        var aligned = await AlignedIdentityPhotos.GetAsync(IdentityPair.Photos(pairs));
        var same = pairs.Select(p => p.Same).ToList();

        var table = new StringBuilder("| model | order | flip | threshold | accuracy | 10-fold CV acc. | TAR @ FAR 1% (thr.) | AUC | EER | d' | lowest same / highest different |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        var scoresByVariant = new Dictionary<string, float[]>();
        var errors = new StringBuilder();
        foreach (var model in FaceEmbedders.Names)
        foreach (var order in new[] { ChannelOrder.Rgb, ChannelOrder.Bgr })
        foreach (var flip in new[] { false, true })
        {
            var embedder = FaceEmbedders.Create(sessions, model, new FaceEmbedderOptions(order, flip));
            var embeddings = new Dictionary<string, FaceEmbedding>();
            foreach (var (photo, face) in aligned) embeddings[photo] = await embedder.EmbedAsync(face.Image);
            var scores = pairs.Select(p => embeddings[p.FileA].CosineSimilarity(embeddings[p.FileB])).ToArray();
            scoresByVariant[$"{model} {order} {(flip ? "flip" : "-")}"] = scores;
            table.AppendLine(Row($"{model} | {order} | {(flip ? "yes" : "no")}", scores, same));
            var threshold = VerificationCalibrator.Calibrate(scores, same).BestAccuracy.Threshold;
            errors.AppendLine($"{model} {order} flip={flip}: highest different {string.Join(" ", scores.Where((_, i) => !same[i]).OrderDescending().Take(4).Select(x => x.ToString("0.000")))}; " +
                $"lowest same {string.Join(" ", scores.Where((_, i) => same[i]).Order().Take(4).Select(x => x.ToString("0.000")))}");
            foreach (var (p, s) in pairs.Zip(scores).Where(t => t.Second >= threshold != t.First.Same))
                errors.AppendLine($"{model} {order} flip={flip}: {p.FileA} vs {p.FileB} expected {(p.Same ? "same" : "different")}, scored {s:0.000}");
        }
        // Sum of both models' similarities (each at its best order, with flip): does fusion help?
        foreach (var order in new[] { ChannelOrder.Rgb, ChannelOrder.Bgr })
        {
            var fused = scoresByVariant[$"{FrFeatureEmbedder.Model} {order} flip"]
                .Zip(scoresByVariant[$"{MobileFaceNetEmbedder.Model} {order} flip"], (a, b) => (a + b) / 2).ToArray();
            table.AppendLine(Row($"mean of both | {order} | yes", fused, same));
        }
        output.WriteLine($"{pairs.Count} pairs ({same.Count(s => s)} same), {aligned.Count} photos");
        output.WriteLine(table.ToString());
        output.WriteLine(errors.ToString());
        Assert.Equal(8, scoresByVariant.Count);
        foreach (var model in FaceEmbedders.Names)
        {
            var stored = IdentityThresholds.For(model);
            var key = $"{model} {stored.ChannelOrder} {(stored.FlipAverage ? "flip" : "-")}";
            var calibrated = VerificationCalibrator.Calibrate(scoresByVariant[key], same).BestAccuracy.Threshold;
            Assert.True(Math.Abs(calibrated - stored.Threshold) < 0.005f, $"{key}: calibration now gives {calibrated:0.000}, IdentityThresholds stores {stored.Threshold:0.000}");
        }
    }

    static string Row(string variant, float[] scores, List<bool> same)
    {
        var c = VerificationCalibrator.Calibrate(scores, same);
        var cv = VerificationCalibrator.CrossValidatedAccuracy(scores, same);
        return $"| {variant} | {c.BestAccuracy.Threshold:0.000} | {c.BestAccuracy.Accuracy:P2} ({c.BestAccuracy.Correct}/{c.BestAccuracy.Total}) | {cv:P2} | " +
               $"{c.AtFalseAcceptRate.TrueAcceptRate:P1} ({c.AtFalseAcceptRate.Threshold:0.000}) | {c.AreaUnderRoc:0.0000} | {c.EqualErrorRate:P2} | " +
               $"{DPrime(scores, same):0.00} | {scores.Where((_, i) => same[i]).Min():0.000} / {scores.Where((_, i) => !same[i]).Max():0.000} |";
    }

    /// <summary>Separation of the same and different score distributions in pooled standard deviations.</summary>
    static double DPrime(float[] scores, List<bool> same)
    {
        var pos = scores.Where((_, i) => same[i]).Select(s => (double)s).ToArray();
        var neg = scores.Where((_, i) => !same[i]).Select(s => (double)s).ToArray();
        static double Var(double[] v) => v.Select(x => (x - v.Average()) * (x - v.Average())).Average();
        return (pos.Average() - neg.Average()) / Math.Sqrt((Var(pos) + Var(neg)) / 2);
    }
}
