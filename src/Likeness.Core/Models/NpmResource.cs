namespace Likeness.Models;

public enum NpmResourceKind
{
    /// <summary>One file inside the package, e.g. <c>file:model/fr_feature.onnx</c>.</summary>
    File,
    /// <summary>Chunks listed under a key of <c>dist/resources.json</c>, concatenated in order.</summary>
    Chunks,
}

/// <summary>Where a model sits inside an npm package tarball (the manifest's npm_resource column).</summary>
public sealed record NpmResource(NpmResourceKind Kind, string Value)
{
    /// <summary>Location of the chunk index inside the package, relative to the package root.</summary>
    public const string ResourceIndexPath = "dist/resources.json";

    public static bool TryParse(string text, out NpmResource? resource)
    {
        resource = null;
        var colon = text.IndexOf(':');
        if (colon <= 0 || colon == text.Length - 1) return false;
        var value = text[(colon + 1)..];
        switch (text[..colon])
        {
            case "file" when IsSafeRelativePath(value):
                resource = new NpmResource(NpmResourceKind.File, value);
                return true;
            case "chunks":
                resource = new NpmResource(NpmResourceKind.Chunks, value);
                return true;
            default:
                return false;
        }
    }

    public override string ToString() => (Kind == NpmResourceKind.File ? "file:" : "chunks:") + Value;

    internal static bool IsSafeRelativePath(string path) =>
        path.Length > 0 && !Path.IsPathRooted(path) && !path.Contains('\\')
        && path.Split('/').All(segment => segment is not ("" or "." or ".."));
}
