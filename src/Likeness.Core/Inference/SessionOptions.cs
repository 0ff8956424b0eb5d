namespace Likeness.Inference;

/// <summary>How one model's session runs. Tiny models are steadier on 1 thread; large ones gain from 2+.</summary>
public sealed record SessionOptions
{
    public int IntraOpThreads { get; init; } = 1;
    public int InterOpThreads { get; init; } = 1;
    public GraphOptimization Optimization { get; init; } = GraphOptimization.All;
    public InferenceDevice Device { get; init; } = InferenceDevice.Cpu;
    /// <summary>
    /// ORT's CPU arena keeps the largest run's intermediate tensors allocated for the next run; off, they are freed.
    /// </summary>
    public bool CpuMemoryArena { get; init; } = true;
    /// <summary>
    /// Where ORT writes the graph it optimised while creating the session (null: nowhere); its weights go to the same
    /// name plus <c>.data</c>.
    /// </summary>
    public string? SaveOptimizedModelTo { get; init; }

    public static SessionOptions Default { get; } = new();
}

public enum GraphOptimization { None = 0, Basic = 1, Extended = 2, All = 99 }

public enum InferenceDevice { Cpu, Cuda }
