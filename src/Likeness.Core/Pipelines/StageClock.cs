using System.Diagnostics;

namespace Likeness.Pipelines;

/// <summary>Per-stage wall-clock timings of one pipeline run, in the order the stages ran.</summary>
public sealed class StageClock
{
    readonly List<(string Stage, double Ms)> _stages = [];

    public IReadOnlyList<(string Stage, double Ms)> Stages => _stages;

    public T Time<T>(string stage, Func<T> work)
    {
        long start = Stopwatch.GetTimestamp();
        try { return work(); }
        finally { _stages.Add((stage, Stopwatch.GetElapsedTime(start).TotalMilliseconds)); }
    }

    public async Task<T> TimeAsync<T>(string stage, Func<Task<T>> work)
    {
        long start = Stopwatch.GetTimestamp();
        try { return await work(); }
        finally { _stages.Add((stage, Stopwatch.GetElapsedTime(start).TotalMilliseconds)); }
    }

    public Dictionary<string, double> ToDictionary() =>
        _stages.GroupBy(s => s.Stage).ToDictionary(g => g.Key, g => Math.Round(g.Sum(s => s.Ms), 2));
}
