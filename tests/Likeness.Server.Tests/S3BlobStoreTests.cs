using System.Security.Cryptography;
using Likeness.Server.Blobs;
using Likeness.Server.Tests.Support;

namespace Likeness.Server.Tests;

/// <summary>The S3 blob store against a real S3-API server process on loopback (s3rver), through the AWS SDK.</summary>
public sealed class S3BlobStoreTests
{
    [SkippableFact]
    public async Task Stores_reads_lists_and_deletes_by_content_address()
    {
        await using var s3 = await S3Server.StartAsync();
        using var store = new S3BlobStore(s3.Options());
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var put = await store.PutAsync(new MemoryStream(bytes), CancellationToken.None);
        Assert.Equal(sha, put.Sha256);
        Assert.Equal(bytes.Length, put.Size);
        Assert.True(await store.ExistsAsync(sha, CancellationToken.None));
        var again = await store.PutAsync(new MemoryStream(bytes), CancellationToken.None);   // same content: same address, stored once
        Assert.Equal(put, again);

        await using (var read = await store.OpenReadAsync(sha, CancellationToken.None))
        {
            var copy = new MemoryStream();
            await read!.CopyToAsync(copy);
            Assert.Equal(bytes, copy.ToArray());
        }
        var other = await store.PutAsync(new MemoryStream([1, 2, 3]), CancellationToken.None);
        var listed = await store.ListAsync(CancellationToken.None).ToListAsync();
        Assert.Equal(new[] { sha, other.Sha256 }.Order(), listed.Order());

        await store.DeleteAsync(sha, CancellationToken.None);
        Assert.False(await store.ExistsAsync(sha, CancellationToken.None));
        Assert.Null(await store.OpenReadAsync(sha, CancellationToken.None));
        Assert.Equal([other.Sha256], await store.ListAsync(CancellationToken.None).ToListAsync());
    }

    [SkippableFact]
    public async Task Prefixes_keep_installations_in_one_bucket_apart()
    {
        await using var s3 = await S3Server.StartAsync();
        using var a = new S3BlobStore(s3.Options("a/"));
        using var b = new S3BlobStore(s3.Options("b/"));
        var blob = await a.PutAsync(new MemoryStream([9, 9, 9]), CancellationToken.None);
        Assert.False(await b.ExistsAsync(blob.Sha256, CancellationToken.None));
        Assert.Empty(await b.ListAsync(CancellationToken.None).ToListAsync());
    }

    [SkippableFact]
    public async Task An_unreachable_store_says_which_and_what_to_check()
    {
        await using var s3 = await S3Server.StartAsync();
        using var store = new S3BlobStore(s3.Options());
        await s3.StopAsync();
        var e = await Assert.ThrowsAsync<BlobStoreUnavailableException>(() => store.PutAsync(new MemoryStream([1]), CancellationToken.None));
        Assert.Contains(S3Server.Bucket, e.Message);
        Assert.Contains(s3.ServiceUrl, e.Message);
        Assert.Contains("Likeness:Blobs:S3", e.Message);
    }

    [Fact]
    public void A_missing_bucket_is_a_configuration_error_that_names_the_key()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new S3BlobStore(new S3BlobOptions { ServiceUrl = "http://127.0.0.1:1" }));
        Assert.Contains("Likeness:Blobs:S3:Bucket", e.Message);
    }
}
