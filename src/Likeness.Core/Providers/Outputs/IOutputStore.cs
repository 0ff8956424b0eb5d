namespace Likeness.Providers.Outputs;

/// <summary>
/// Where provider outputs land as soon as they are fetched (provider URLs expire). Content-addressed:
/// the same bytes get the same key. The lead backs this with the blob store later.
/// </summary>
public interface IOutputStore
{
    Task<StoredOutput> PutAsync(Stream content, string contentType, string? sourceUrl, CancellationToken ct);
    /// <summary>Null when the key is unknown.</summary>
    Task<Stream?> OpenAsync(string key, CancellationToken ct);
}
