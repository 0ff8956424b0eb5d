using System.Collections.Concurrent;
using Likeness.Models;
using Microsoft.Extensions.Options;

namespace Likeness.Inference;

/// <summary>Hands out one shared <see cref="InferenceSession"/> per model name, created on first use.</summary>
public interface IModelSessions
{
    ValueTask<InferenceSession> GetAsync(string modelName, CancellationToken ct = default);

    /// <summary>The sha256 of the model file behind a name (for reports and provenance).</summary>
    string Sha256Of(string modelName);
}

/// <summary>Per-model threading; large models gain from 2+ intra-op threads, tiny ones are steadier on 1.</summary>
public sealed class InferenceOptions
{
    /// <summary>cpu (default) or cuda (Likeness:Inference:Device, or LIKENESS_DEVICE).</summary>
    public string Device { get; set; } = Environment.GetEnvironmentVariable("LIKENESS_DEVICE") ?? "cpu";
    public int DefaultIntraOpThreads { get; set; } = 1;
    // Models run one stage at a time, never beside our Parallel.For pixel loops, so a large model may use every core;
    // more intra-op threads than cores only adds contention. Inter-op stays 1 (sequential execution).
    public Dictionary<string, int> IntraOpThreads { get; set; } = new()
    {
        ["isnet"] = Environment.ProcessorCount,
        ["isnet-int8"] = Environment.ProcessorCount,
        ["movenet-thunder"] = Math.Min(Environment.ProcessorCount, 2),
        ["skin-clothes-hair"] = Math.Min(Environment.ProcessorCount, 2),
    };

    /// <summary>
    /// Models whose intermediate tensors are freed after each run instead of kept in ORT's arena for the next one. ISNet
    /// at 1024x1024 holds about 1 GB of activations; freeing them trades time for memory, measured on 2 cores: one
    /// compose 1.58 → 1.21 GB peak RSS but 5.7 → 6.5 s, a batch of 6 compositions 2.7 → 1.6 GB but 16 → 24-30 s.
    /// So it is off by default and on with LIKENESS_LOW_MEMORY=1 (or Likeness:Inference:ArenaFreeModels).
    /// </summary>
    public HashSet<string> ArenaFreeModels { get; set; } =
        Environment.GetEnvironmentVariable("LIKENESS_LOW_MEMORY") == "1" ? ["isnet", "isnet-int8"] : [];
}

/// <summary>Resolves model files through the <see cref="ModelStore"/> and keeps their sessions for the process.</summary>
public sealed class ModelSessions(ModelStore store, IOptions<InferenceOptions>? options = null) : IModelSessions, IDisposable
{
    readonly InferenceOptions _options = options?.Value ?? new InferenceOptions();
    readonly ConcurrentDictionary<string, Lazy<Task<InferenceSession>>> _sessions = new(StringComparer.Ordinal);

    public ModelStore Store => store;

    public async ValueTask<InferenceSession> GetAsync(string modelName, CancellationToken ct = default)
    {
        var lazy = _sessions.GetOrAdd(modelName, name => new Lazy<Task<InferenceSession>>(() => CreateAsync(name)));
        try
        {
            return await lazy.Value.WaitAsync(ct);
        }
        catch when (lazy.Value.IsFaulted || lazy.Value.IsCanceled)
        {
            _sessions.TryRemove(new KeyValuePair<string, Lazy<Task<InferenceSession>>>(modelName, lazy));
            throw;
        }
    }

    public string Sha256Of(string modelName) => store.Manifest.Get(modelName).Sha256;

    async Task<InferenceSession> CreateAsync(string name)
    {
        var path = await store.GetPathAsync(name);
        var threads = _options.IntraOpThreads.TryGetValue(name, out var t) ? t : _options.DefaultIntraOpThreads;
        return InferenceSession.FromFile(path, new SessionOptions
        {
            IntraOpThreads = threads, Device = ExecutionDevice.Parse(_options.Device), CpuMemoryArena = !_options.ArenaFreeModels.Contains(name),
        }, name);
    }

    public void Dispose()
    {
        foreach (var lazy in _sessions.Values)
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully) lazy.Value.Result.Dispose();
        _sessions.Clear();
    }
}
