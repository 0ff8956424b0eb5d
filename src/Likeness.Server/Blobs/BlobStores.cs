namespace Likeness.Server.Blobs;

public sealed class BlobStoreOptions
{
    /// <summary>filesystem (default: blobs/ in the data folder) or s3 (shared by several machines).</summary>
    public string Store { get; set; } = "filesystem";
    public S3BlobOptions S3 { get; set; } = new();
}

public static class BlobStores
{
    public static IBlobStore Create(IConfigurationSection section, string dataPath)
    {
        var options = section.Get<BlobStoreOptions>() ?? new BlobStoreOptions();
        return options.Store.ToLowerInvariant() switch
        {
            "filesystem" or "" => new FileSystemBlobStore(Path.Combine(dataPath, "blobs")),
            "s3" => new S3BlobStore(options.S3),
            var other => throw new InvalidOperationException($"Likeness:Blobs:Store is '{other}'; use filesystem or s3."),
        };
    }
}
