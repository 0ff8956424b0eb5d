namespace Likeness.Models;

/// <summary>Fetches an npm package tarball (.tgz). Replaceable so tests can hand over a locally built tarball.</summary>
public interface INpmPackageSource
{
    /// <summary>Puts the tarball of <paramref name="packageSpec"/> (<c>name@version</c>) into <paramref name="destinationDirectory"/> and returns its path.</summary>
    Task<string> FetchTarballAsync(string packageSpec, string destinationDirectory, CancellationToken ct);
}
