using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Likeness.Models;
using Microsoft.Extensions.Options;

namespace Likeness.Tests.Models;

/// <summary>A throw-away folder holding a cache, mirrors and a manifest for one test.</summary>
internal sealed class ModelTestKit : IDisposable
{
    public const string Header = "name\tcapability\tdefault\tfile\tbytes\tsha256\tlicence\tlicence_class\tupstream_url\tnpm_package\tnpm_resource\tinput\tpreprocessing\toutputs";

    readonly DirectoryInfo root = Directory.CreateTempSubdirectory("likeness-modeltests-");
    readonly List<string> rows = [];

    public string Root => root.FullName;
    public string Cache => Path.Combine(Root, "cache");

    public string Folder(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public void AddModel(string name, string file, byte[] content, Uri? url = null, string? npmPackage = null, string? npmResource = null) =>
        rows.Add(string.Join('\t', name, "test", "", file, content.Length, Sha256(content), "MIT", "permissive",
            url?.ToString() ?? "", npmPackage ?? "", npmResource ?? "", "x", "y", "z"));

    public ModelStore CreateStore(IEnumerable<string>? mirrors = null, HttpClient? http = null, INpmPackageSource? npm = null,
        bool allowDownload = true, TimeSpan? httpTimeout = null)
    {
        var manifest = Path.Combine(Root, "models.tsv");
        File.WriteAllLines(manifest, rows.Prepend(Header));
        var options = new ModelStoreOptions
        {
            CacheDirectory = Cache,
            MirrorDirectories = mirrors?.ToList() ?? [],
            UseMirrorEnvironmentVariable = false,
            AllowDownload = allowDownload,
            HttpTimeout = httpTimeout ?? TimeSpan.FromSeconds(30),
            ManifestOverride = manifest,
        };
        return new ModelStore(Options.Create(options), http, npm);
    }

    /// <summary>Every file under the cache folder (partial files included).</summary>
    public string[] CacheFiles() =>
        Directory.Exists(Cache) ? Directory.GetFiles(Cache, "*", SearchOption.AllDirectories) : [];

    public static void WriteFile(string folder, string relative, byte[] content)
    {
        var path = Path.Combine(folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    /// <summary>Writes an npm-style .tgz (entries under package/) in the given entry order.</summary>
    public string WriteTarball(string fileName, params (string Path, byte[] Data)[] entries)
    {
        var path = Path.Combine(Root, fileName);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        foreach (var (name, data) in entries)
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "package/" + name) { DataStream = new MemoryStream(data) });
        return path;
    }

    public void Dispose() => root.Delete(recursive: true);
}

/// <summary>Hands out a prepared tarball instead of running npm.</summary>
internal sealed class LocalTarballSource(string tarball) : INpmPackageSource
{
    public List<string> Requested { get; } = [];

    public Task<string> FetchTarballAsync(string packageSpec, string destinationDirectory, CancellationToken ct)
    {
        Requested.Add(packageSpec);
        var copy = Path.Combine(destinationDirectory, Path.GetFileName(tarball));
        File.Copy(tarball, copy);
        return Task.FromResult(copy);
    }
}

/// <summary>Reports synchronously, so a test sees every report before the call returns.</summary>
internal sealed class RecordingProgress(Action<ModelFetchProgress>? onReport = null) : IProgress<ModelFetchProgress>
{
    public List<ModelFetchProgress> Reports { get; } = [];

    public void Report(ModelFetchProgress value)
    {
        lock (Reports) Reports.Add(value);
        onReport?.Invoke(value);
    }
}
