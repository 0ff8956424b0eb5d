namespace Likeness.Pipelines;

/// <summary>Progress of one item of a pipeline: which stage it is in and how far along (0..1).</summary>
public readonly record struct PipelineProgress(string Item, string Stage, double Fraction);
