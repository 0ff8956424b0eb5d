namespace Likeness.Vision.Matting;

/// <summary>Wall-clock time of one call, split into preparing the input, the model run and turning its output into the result.</summary>
public readonly record struct StageTimings(TimeSpan Preprocess, TimeSpan Model, TimeSpan Postprocess)
{
    public TimeSpan Total => Preprocess + Model + Postprocess;

    /// <summary>Pre- plus post-processing as a fraction of the model time (the overhead budget is stated this way).</summary>
    public double OverheadRatio => Model > TimeSpan.Zero ? (Preprocess + Postprocess) / Model : double.NaN;

    public override string ToString() =>
        $"pre {Preprocess.TotalMilliseconds:0} ms, model {Model.TotalMilliseconds:0} ms, post {Postprocess.TotalMilliseconds:0} ms (overhead {OverheadRatio:P0})";
}
