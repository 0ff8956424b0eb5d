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

    /// <summary>Graph optimisation per model (Likeness:Inference:Optimization); All when a model is not named.</summary>
    public Dictionary<string, GraphOptimization> Optimization { get; set; } = [];

    /// <summary>
    /// Models whose intermediate tensors are freed after each run instead of kept in ORT's arena for the next one
    /// (Likeness:Inference:ArenaFreeModels).
    /// </summary>
    public HashSet<string> ArenaFreeModels { get; set; } = [];

    public InferenceOptions()
    {
        if (Environment.GetEnvironmentVariable("LIKENESS_LOW_MEMORY") == "1") PreferMemory(MemoryHungryModels);
    }

    /// <summary>ISNet: 1024x1024 activations, by far the largest of any model here.</summary>
    public static readonly string[] MemoryHungryModels = ["isnet", "isnet-int8"];

    /// <summary>
    /// Trades the models' speed for memory. Measured on 2 cores with ISNet (compose, 1313x1348 photo into 640x360;
    /// a batch of 20): optimisation Extended instead of All leaves out ORT's NCHWc layout transforms, which keep
    /// blocked copies of the 1024x1024 activations, and no arena frees activations after each run instead of keeping
    /// them (rounded up to arena chunks) for the next. One compose 1.25 → 0.94 GB peak RSS at the same wall time
    /// (one run: nothing to reuse, shorter session creation); a batch 1.53 → 1.32 GB but ISNet ~20 % slower per run.
    /// So a one-photo compose does it, a batch or the server only with LIKENESS_LOW_MEMORY=1.
    /// </summary>
    public InferenceOptions PreferMemory(IEnumerable<string> models)
    {
        foreach (var model in models)
        {
            Optimization[model] = GraphOptimization.Extended;
            ArenaFreeModels.Add(model);
        }
        return this;
    }
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
            IntraOpThreads = threads,
            Device = ExecutionDevice.Parse(_options.Device),
            CpuMemoryArena = !_options.ArenaFreeModels.Contains(name),
            Optimization = _options.Optimization.TryGetValue(name, out var level) ? level : GraphOptimization.All,
        }, name);
    }

    public void Dispose()
    {
        foreach (var lazy in _sessions.Values)
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully) lazy.Value.Result.Dispose();
        _sessions.Clear();
    }
}
