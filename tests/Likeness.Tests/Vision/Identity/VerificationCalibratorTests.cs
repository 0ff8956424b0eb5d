using Likeness.Vision.Identity;

namespace Likeness.Tests.Vision.Identity;

public class VerificationCalibratorTests
{
    [Fact]
    public void Separable_scores_get_a_threshold_in_the_widest_gap_and_perfect_accuracy()
    {
        float[] scores = [0.1f, 0.2f, 0.25f, 0.6f, 0.7f, 0.9f];
        bool[] same = [false, false, false, true, true, true];
        var c = VerificationCalibrator.Calibrate(scores, same);
        Assert.Equal(0.425f, c.BestAccuracy.Threshold, 3);
        Assert.Equal(1.0, c.BestAccuracy.Accuracy);
        Assert.Equal(1.0, c.AreaUnderRoc);
        Assert.Equal(0.0, c.EqualErrorRate);
        Assert.Equal((3, 3), (c.SamePairs, c.DifferentPairs));
    }

    [Fact]
    public void Overlap_costs_exactly_the_misplaced_pairs()
    {
        float[] scores = [0.1f, 0.2f, 0.65f, 0.3f, 0.6f, 0.7f, 0.9f];
        bool[] same = [false, false, false, true, true, true, true];
        var c = VerificationCalibrator.Calibrate(scores, same);
        Assert.Equal(6, c.BestAccuracy.Correct);
        Assert.Equal(7, c.BestAccuracy.Total);
        Assert.True(c.AreaUnderRoc is > 0.8 and < 1);
    }

    [Fact]
    public void Tar_at_far_allows_one_false_accept_per_hundred_different_pairs()
    {
        // 200 different pairs: two may be accepted, the third-highest must be rejected.
        var scores = Enumerable.Range(0, 200).Select(i => i / 1000f).Concat([0.15f, 0.5f, 0.6f]).ToArray();
        var same = Enumerable.Repeat(false, 200).Concat([true, true, true]).ToArray();
        var c = VerificationCalibrator.Calibrate(scores, same, targetFar: 0.01);
        Assert.True(c.AtFalseAcceptRate.FalseAcceptRate <= 0.01);
        Assert.Equal(2.0 / 200, c.AtFalseAcceptRate.FalseAcceptRate, 6);
        Assert.Equal(2.0 / 3, c.AtFalseAcceptRate.TrueAcceptRate, 6);
        Assert.InRange(c.AtFalseAcceptRate.Threshold, 0.197f, 0.198f);
    }

    [Fact]
    public void Evaluate_accepts_scores_at_the_threshold()
    {
        var p = VerificationCalibrator.Evaluate([0.5f, 0.4f], [true, false], 0.5f);
        Assert.Equal(2, p.Correct);
        Assert.Equal(1.0, p.TrueAcceptRate);
        Assert.Equal(0.0, p.FalseAcceptRate);
    }

    [Fact]
    public void Cross_validation_is_no_better_than_in_sample()
    {
        var rng = new Random(7);
        var same = Enumerable.Range(0, 300).Select(i => i % 3 == 0).ToArray();
        var scores = same.Select(s => (float)(rng.NextDouble() * 0.6 + (s ? 0.3 : 0))).ToArray();
        var inSample = VerificationCalibrator.Calibrate(scores, same).BestAccuracy.Accuracy;
        var cv = VerificationCalibrator.CrossValidatedAccuracy(scores, same);
        Assert.True(cv <= inSample + 1e-9, $"cv {cv} vs in-sample {inSample}");
        Assert.True(cv > 0.6);
    }

    [Fact]
    public void Mismatched_inputs_say_what_is_wrong()
    {
        Assert.Contains("labels", Assert.Throws<ArgumentException>(() => VerificationCalibrator.Calibrate([0.1f], [true, false])).Message);
        Assert.Throws<ArgumentException>(() => VerificationCalibrator.Calibrate([float.NaN], [true]));
    }
}
