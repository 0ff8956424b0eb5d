using System.Diagnostics;
using Likeness.Inference;

namespace Likeness.Cli.Bench;

/// <summary>One measured stage: whole-call time, and (for model stages) the time spent inside ORT's Run.</summary>
public sealed record StageResult(string Group, string Stage, int Iterations, double MedianMs, double? ModelMs, string? Note = null)
{
    /// <summary>Time outside the model (pre/post-processing, binding) as a fraction of the model's own time.</summary>
    public double? OverheadRatio => ModelMs is > 0 ? (MedianMs - ModelMs.Value) / ModelMs.Value : null;
}

public static class StageTimer
{
    /// <summary>Runs <paramref name="action"/> once to warm up, then <paramref name="iterations"/> times; reports medians.</summary>
    public static async Task<StageResult> MeasureAsync(string group, string stage, int iterations, Func<Task> action,
        IReadOnlyList<InferenceSession>? sessions = null, string? note = null)
    {
        await action();
        var totals = new List<double>();
        var models = new List<double>();
        for (int i = 0; i < iterations; i++)
        {
            var before = sessions?.Select(s => s.RunStatistics.ModelTime).ToArray();
            long start = Stopwatch.GetTimestamp();
            await action();
            totals.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (sessions is not null)
                models.Add(sessions.Select((s, k) => (s.RunStatistics.ModelTime - before![k]).TotalMilliseconds).Sum());
        }
        return new StageResult(group, stage, iterations, Median(totals), sessions is null ? null : Median(models), note);
    }

    public static StageResult Measure(string group, string stage, int iterations, Action action, IReadOnlyList<InferenceSession>? sessions = null, string? note = null) =>
        MeasureAsync(group, stage, iterations, () => { action(); return Task.CompletedTask; }, sessions, note).GetAwaiter().GetResult();

    static double Median(List<double> values)
    {
        values.Sort();
        int n = values.Count;
        return n == 0 ? 0 : n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
