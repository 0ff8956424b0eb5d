namespace Likeness.Models;

public enum ModelLocation { Cached, Mirror, Missing }

/// <summary>Where a model is and, when it was checked, whether its bytes match the manifest.</summary>
/// <param name="Path">The file found (cache first, then mirrors), or null when missing.</param>
/// <param name="HashOk">True/false after a SHA-256 check; null when not checked.</param>
/// <param name="Problem">What is wrong and how to fix it, or null when all is well.</param>
public sealed record ModelStatus(ModelInfo Model, ModelLocation Location, string? Path, bool? HashOk, string? Problem)
{
    public bool IsHealthy => Location != ModelLocation.Missing && HashOk != false && Problem is null;
}
