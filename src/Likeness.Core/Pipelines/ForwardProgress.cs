namespace Likeness.Pipelines;

/// <summary>Reports synchronously through a delegate (Progress&lt;T&gt; would post to the thread pool, out of order).</summary>
public sealed class ForwardProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
