using System.Runtime.CompilerServices;

namespace Likeness.Tests.Support;

/// <summary>
/// Locations of the repository and of `../shared` (models mirror, real test photos).
/// `../shared` is never copied into the repo; tests that need it skip with a clear message when absent.
/// </summary>
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The shared folder beside the checkout, or LIKENESS_SHARED; null when absent.</summary>
    public static string? Shared { get; } = FindShared();

    public static string? SharedModels => Shared is null ? null : Path.Combine(Shared, "models");
    public static string? TestData => Shared is null ? null : Path.Combine(Shared, "testdata");

    public const string SharedMissing = "../shared is absent (set LIKENESS_SHARED to its path): this test needs its real photos or models";

    /// <summary>Path of a file under ../shared/testdata; skips the calling [SkippableFact] when missing.</summary>
    public static string TestDataFile(string relative)
    {
        if (TestData is null) throw new Xunit.SkipException(SharedMissing);
        var path = Path.Combine(TestData, relative);
        if (!File.Exists(path)) throw new Xunit.SkipException($"{path} is missing from ../shared/testdata");
        return path;
    }

    /// <summary>Path of a model file in the ../shared/models mirror; skips when missing.</summary>
    public static string SharedModel(string relative)
    {
        if (SharedModels is null) throw new Xunit.SkipException(SharedMissing);
        var path = Path.Combine(SharedModels, relative);
        if (!File.Exists(path)) throw new Xunit.SkipException($"{path} is missing from ../shared/models");
        return path;
    }

    static string FindRepoRoot([CallerFilePath] string here = "")
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Likeness.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));
    }

    static string? FindShared()
    {
        var env = Environment.GetEnvironmentVariable("LIKENESS_SHARED");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return Path.GetFullPath(env);
        var sibling = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
        return Directory.Exists(sibling) ? sibling : null;
    }
}
