using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Likeness.Providers.Costs;

/// <summary>
/// Durable ledger: one JSON object per line, appended and flushed to disk per entry.
/// A torn last line (crash mid-write) is skipped when reading; the next append starts on a fresh line.
/// </summary>
public sealed class JsonLinesCostLedger : ICostLedger
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    readonly string _path;
    readonly SemaphoreSlim _lock = new(1, 1);

    public JsonLinesCostLedger(string path)
    {
        _path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
    }

    public string FilePath => _path;

    public async Task AppendAsync(CostEntry entry, CancellationToken ct)
    {
        var line = JsonSerializer.Serialize(entry, Json);
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await using var file = new FileStream(_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            bool needsNewline = false;
            if (file.Length > 0)
            {
                file.Seek(-1, SeekOrigin.End);
                needsNewline = file.ReadByte() != '\n';
            }
            file.Seek(0, SeekOrigin.End);
            var bytes = Encoding.UTF8.GetBytes((needsNewline ? "\n" : "") + line + "\n");
            await file.WriteAsync(bytes, ct).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }
        finally { _lock.Release(); }
    }

    public async Task<decimal> SpentAsync(string userId, DateTimeOffset since, CancellationToken ct)
        => (await ListAsync(userId, since, ct).ConfigureAwait(false)).Sum(e => e.EstimatedUsd);

    public async Task<IReadOnlyList<CostEntry>> ListAsync(string? userId, DateTimeOffset since, CancellationToken ct)
    {
        if (!File.Exists(_path)) return [];
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var entries = new List<CostEntry>();
            foreach (var line in await File.ReadAllLinesAsync(_path, ct).ConfigureAwait(false))
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                CostEntry? entry;
                try { entry = JsonSerializer.Deserialize<CostEntry>(line, Json); }
                catch (JsonException) { continue; }
                if (entry is not null && (userId is null || entry.UserId == userId) && entry.At >= since) entries.Add(entry);
            }
            return entries;
        }
        finally { _lock.Release(); }
    }
}
