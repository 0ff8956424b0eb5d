namespace Likeness.Models;

/// <summary>One row of the model manifest (<c>models.tsv</c>).</summary>
/// <param name="File">Relative path ('/'-separated) used in the cache and in every mirror folder.</param>
/// <param name="Bytes">Exact file size.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file.</param>
/// <param name="UpstreamUrl">Pinned URL of the exact bytes, or null when only npm or a mirror has them.</param>
/// <param name="NpmPackage">Package spec (<c>name@version</c>) whose tarball holds the model, or null.</param>
public sealed record ModelInfo(
    string Name,
    string Capability,
    bool IsDefault,
    string File,
    long Bytes,
    string Sha256,
    string Licence,
    LicenceClass LicenceClass,
    Uri? UpstreamUrl,
    string? NpmPackage,
    NpmResource? NpmResource,
    string Input,
    string Preprocessing,
    string Outputs)
{
    /// <summary>The relative path with the platform's directory separator.</summary>
    public string LocalRelativePath => File.Replace('/', Path.DirectorySeparatorChar);
}
