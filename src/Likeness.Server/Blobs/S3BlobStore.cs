using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Likeness.Server.Blobs;

public sealed class S3BlobOptions
{
    /// <summary>Endpoint of an S3-compatible service (MinIO, s3rver, …); empty for AWS itself (then Region decides).</summary>
    public string? ServiceUrl { get; set; }
    public string Region { get; set; } = "us-east-1";
    public string Bucket { get; set; } = "";
    /// <summary>Key prefix inside the bucket, so one bucket can hold several installations.</summary>
    public string Prefix { get; set; } = "blobs/";
    public string? AccessKey { get; set; }
    public string? SecretKey { get; set; }
    /// <summary>bucket in the path (http://host/bucket/key) rather than the host name; what MinIO and s3rver expect.</summary>
    public bool ForcePathStyle { get; set; } = true;
}

/// <summary>
/// Blobs in an S3-compatible bucket through the AWS SDK, under the same content addresses as on disk
/// (prefix + ab/cd/abcd…). The bytes are hashed before the upload (spooled to a temp file), so the key is
/// known up front and an existing blob is not sent twice.
/// </summary>
public sealed class S3BlobStore : IBlobStore, IDisposable
{
    readonly IAmazonS3 client;
    readonly S3BlobOptions options;

    public S3BlobStore(S3BlobOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Bucket))
            throw new InvalidOperationException("The S3 blob store needs a bucket: set Likeness:Blobs:S3:Bucket (env Likeness__Blobs__S3__Bucket).");
        this.options = options;
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            // Checksums only where S3 requires them: S3-compatible servers do not all know the SDK's newer trailers.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.ServiceUrl is { Length: > 0 } url)
        {
            config.ServiceURL = url;
            config.AuthenticationRegion = options.Region;
        }
        else config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        client = options.AccessKey is { Length: > 0 }
            ? new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config)
            : new AmazonS3Client(config);
    }

    string Key(string sha256) => options.Prefix + BlobAddress.RelativePath(sha256);

    public async Task<BlobRef> PutAsync(Stream content, CancellationToken ct)
    {
        var temp = Path.Combine(Path.GetTempPath(), "likeness-blob-" + Guid.NewGuid().ToString("N"));
        await using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        var blob = await BlobAddress.CopyAndHashAsync(content, file, ct);
        if (!await ExistsAsync(blob.Sha256, ct))
        {
            file.Position = 0;
            await Call(() => client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = options.Bucket, Key = Key(blob.Sha256), InputStream = file, AutoCloseStream = false,
                ContentType = "application/octet-stream", UseChunkEncoding = false,
            }, ct), "store a blob");
        }
        return blob;
    }

    public async Task<Stream?> OpenReadAsync(string sha256, CancellationToken ct)
    {
        try
        {
            var response = await client.GetObjectAsync(options.Bucket, Key(sha256), ct);
            return new ResponseStream(response);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound) { return null; }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException) { throw Unreachable(e, "read a blob"); }
    }

    public async Task<bool> ExistsAsync(string sha256, CancellationToken ct)
    {
        try
        {
            await client.GetObjectMetadataAsync(options.Bucket, Key(sha256), ct);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound) { return false; }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException) { throw Unreachable(e, "look up a blob"); }
    }

    public Task DeleteAsync(string sha256, CancellationToken ct) =>
        Call(() => client.DeleteObjectAsync(options.Bucket, Key(sha256), ct), "delete a blob");

    public async IAsyncEnumerable<string> ListAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var request = new ListObjectsV2Request { BucketName = options.Bucket, Prefix = options.Prefix };
        while (true)
        {
            var page = await Call(() => client.ListObjectsV2Async(request, ct), "list blobs");
            foreach (var o in page.S3Objects ?? [])
            {
                var name = o.Key[(o.Key.LastIndexOf('/') + 1)..];
                if (BlobAddress.IsValid(name)) yield return name;
            }
            if (page.IsTruncated != true) yield break;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    async Task<T> Call<T>(Func<Task<T>> action, string what)
    {
        try { return await action(); }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException) { throw Unreachable(e, what); }
    }

    Exception Unreachable(Exception e, string what) => new BlobStoreUnavailableException(
        $"Could not {what} in S3 bucket '{options.Bucket}' at {options.ServiceUrl ?? "AWS " + options.Region}: {e.Message} " +
        "Check Likeness:Blobs:S3 (endpoint, bucket, keys) and that the storage service is running.", e);

    public void Dispose() => client.Dispose();

    /// <summary>Disposes the SDK response (and its connection) with the stream.</summary>
    sealed class ResponseStream(GetObjectResponse response) : Stream
    {
        readonly Stream inner = response.ResponseStream;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => response.ContentLength;
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => inner.ReadAsync(buffer, ct);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => inner.ReadAsync(buffer, offset, count, ct);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) response.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>The blob store could not be reached; the message says which store and what to check.</summary>
public sealed class BlobStoreUnavailableException(string message, Exception inner) : Exception(message, inner);
