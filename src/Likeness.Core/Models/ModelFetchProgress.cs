namespace Likeness.Models;

public enum ModelSourceKind { Cache, Mirror, Download, Npm }

/// <summary>Progress of one model: which source, what stage, how many bytes of the model so far.</summary>
public sealed record ModelFetchProgress(string Model, ModelSourceKind Source, string Stage, long BytesDone, long TotalBytes)
{
    public double Fraction => TotalBytes <= 0 ? 0 : Math.Clamp((double)BytesDone / TotalBytes, 0, 1);
}
