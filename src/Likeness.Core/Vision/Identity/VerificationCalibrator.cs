namespace Likeness.Vision.Identity;

/// <summary>Verification results at one threshold: a pair is accepted as "same" when its score is &gt;= the threshold.</summary>
public sealed record VerificationPoint(float Threshold, int Correct, int Total, double TrueAcceptRate, double FalseAcceptRate)
{
    public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;
}

/// <param name="BestAccuracy">The threshold with the highest accuracy (middle of the widest score gap among ties).</param>
/// <param name="AtFalseAcceptRate">The lowest threshold whose false-accept rate stays within <paramref name="TargetFalseAcceptRate"/>; its TAR is "TAR at FAR".</param>
/// <param name="AreaUnderRoc">Probability that a random same pair scores above a random different pair.</param>
/// <param name="EqualErrorRate">Where false accepts and false rejects are (nearly) equal.</param>
public sealed record VerificationCalibration(
    VerificationPoint BestAccuracy, VerificationPoint AtFalseAcceptRate, double TargetFalseAcceptRate,
    double AreaUnderRoc, double EqualErrorRate, int SamePairs, int DifferentPairs);

/// <summary>Picks a same/different threshold from labelled pair scores and summarises the trade-off.</summary>
public static class VerificationCalibrator
{
    public static VerificationCalibration Calibrate(IReadOnlyList<float> scores, IReadOnlyList<bool> same, double targetFar = 0.01)
    {
        Validate(scores, same);
        var positives = scores.Where((_, i) => same[i]).Order().ToArray();
        var negatives = scores.Where((_, i) => !same[i]).Order().ToArray();
        return new VerificationCalibration(
            Evaluate(scores, same, BestAccuracyThreshold(scores, same)),
            Evaluate(scores, same, ThresholdAtFar(negatives, targetFar)),
            targetFar, AreaUnderRoc(positives, negatives), EqualErrorRate(positives, negatives),
            positives.Length, negatives.Length);
    }

    public static VerificationPoint Evaluate(IReadOnlyList<float> scores, IReadOnlyList<bool> same, float threshold)
    {
        Validate(scores, same);
        int truePos = 0, falsePos = 0, pos = 0, neg = 0;
        for (int i = 0; i < scores.Count; i++)
        {
            bool accept = scores[i] >= threshold;
            if (same[i]) { pos++; if (accept) truePos++; }
            else { neg++; if (accept) falsePos++; }
        }
        return new VerificationPoint(threshold, truePos + neg - falsePos, scores.Count,
            pos == 0 ? 0 : (double)truePos / pos, neg == 0 ? 0 : (double)falsePos / neg);
    }

    /// <summary>
    /// Accuracy when each of <paramref name="folds"/> interleaved folds is judged at the threshold calibrated
    /// on the other folds: an honest estimate for unseen pairs, where the in-sample accuracy is optimistic.
    /// </summary>
    public static double CrossValidatedAccuracy(IReadOnlyList<float> scores, IReadOnlyList<bool> same, int folds = 10)
    {
        Validate(scores, same);
        int correct = 0;
        for (int f = 0; f < folds; f++)
        {
            var trainScores = new List<float>();
            var trainSame = new List<bool>();
            for (int i = 0; i < scores.Count; i++)
                if (i % folds != f) { trainScores.Add(scores[i]); trainSame.Add(same[i]); }
            float threshold = BestAccuracyThreshold(trainScores, trainSame);
            for (int i = f; i < scores.Count; i += folds)
                if (scores[i] >= threshold == same[i]) correct++;
        }
        return (double)correct / scores.Count;
    }

    /// <summary>Sweeps every gap between sorted scores; among the most accurate, takes the middle of the widest gap.</summary>
    static float BestAccuracyThreshold(IReadOnlyList<float> scores, IReadOnlyList<bool> same)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        // Threshold below everything: all accepted, so correct = number of same pairs.
        int correct = same.Count(s => s), bestCorrect = correct;
        float bestThreshold = scores[order[0]] - 1e-3f, bestGap = 0;
        for (int k = 0; k < order.Length; k++)
        {
            // Moving the threshold above order[k] rejects it.
            correct += same[order[k]] ? -1 : 1;
            float low = scores[order[k]];
            if (k + 1 < order.Length && scores[order[k + 1]] == low) continue;
            float high = k + 1 < order.Length ? scores[order[k + 1]] : low + 2e-3f;
            float gap = high - low;
            if (correct > bestCorrect || (correct == bestCorrect && gap > bestGap))
                (bestCorrect, bestThreshold, bestGap) = (correct, (low + high) / 2, gap);
        }
        return bestThreshold;
    }

    static float ThresholdAtFar(float[] negativesAscending, double targetFar)
    {
        if (negativesAscending.Length == 0) return float.NegativeInfinity;
        int allowed = (int)Math.Floor(targetFar * negativesAscending.Length + 1e-9);
        if (allowed >= negativesAscending.Length) return negativesAscending[0];
        // Just above the highest negative that must be rejected.
        return MathF.BitIncrement(negativesAscending[negativesAscending.Length - 1 - allowed]);
    }

    static double AreaUnderRoc(float[] positives, float[] negatives)
    {
        if (positives.Length == 0 || negatives.Length == 0) return double.NaN;
        double wins = 0;
        int below = 0, equal = 0;
        foreach (var p in positives)
        {
            while (below < negatives.Length && negatives[below] < p) below++;
            equal = 0;
            while (below + equal < negatives.Length && negatives[below + equal] == p) equal++;
            wins += below + equal / 2.0;
        }
        return wins / ((double)positives.Length * negatives.Length);
    }

    static double EqualErrorRate(float[] positives, float[] negatives)
    {
        if (positives.Length == 0 || negatives.Length == 0) return double.NaN;
        double best = double.MaxValue, eer = 1;
        foreach (var t in positives.Concat(negatives).Distinct())
        {
            double frr = (double)positives.Count(p => p < t) / positives.Length;
            double far = (double)negatives.Count(n => n >= t) / negatives.Length;
            if (Math.Abs(far - frr) < best) (best, eer) = (Math.Abs(far - frr), (far + frr) / 2);
        }
        return eer;
    }

    static void Validate(IReadOnlyList<float> scores, IReadOnlyList<bool> same)
    {
        if (scores.Count != same.Count) throw new ArgumentException($"{scores.Count} scores but {same.Count} labels");
        if (scores.Count == 0) throw new ArgumentException("calibration needs at least one labelled pair");
        if (scores.Any(s => !float.IsFinite(s))) throw new ArgumentException("scores must be finite");
    }
}
