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

    /// <summary>
    /// Models run from prepared copies on the CPU (Likeness:Inference:PreparedModels; see <see cref="PreparedModel"/>):
    /// ISNet ships in float16, which ORT's CPU kernels run in float32 behind Cast nodes.
    /// </summary>
    public HashSet<string> PreparedModels { get; set; } = ["isnet"];

    public InferenceOptions()
    {
        if (Environment.GetEnvironmentVariable("LIKENESS_LOW_MEMORY") == "1") PreferMemory(MemoryHungryModels);
    }

    /// <summary>ISNet: 1024x1024 activations, by far the largest of any model here.</summary>
    public static readonly string[] MemoryHungryModels = ["isnet", "isnet-int8"];

    /// <summary>
    /// Trades the models' speed for memory: no arena, so activations are freed after each run instead of kept (rounded
    /// up to arena chunks) for the next, and, for models that are not prepared, optimisation Extended instead of All,
    /// which leaves out ORT's NCHWc layout transforms and their blocked copies. A prepared ISNet keeps All: from its
    /// float32 saved graph with mapped weights it peaks lower than the shipped float16 model at Extended (2 cores,
    /// compose of one photo: 0.92 GB at 5.4 s before, 0.79 GB at 4.5 s prepared). A one-photo compose does this; a
    /// batch or the server only with LIKENESS_LOW_MEMORY=1 (the arena saves a batch time on every run).
    /// </summary>
    public InferenceOptions PreferMemory(IEnumerable<string> models)
    {
        foreach (var model in models)
        {
            if (!PreparedModels.Contains(model)) Optimization[model] = GraphOptimization.Extended;
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
        var options = new SessionOptions
        {
            IntraOpThreads = threads,
            Device = ExecutionDevice.Parse(_options.Device),
            CpuMemoryArena = !_options.ArenaFreeModels.Contains(name),
            Optimization = _options.Optimization.TryGetValue(name, out var level) ? level : GraphOptimization.All,
        };
        if (options.Device == InferenceDevice.Cpu && _options.PreparedModels.Contains(name))
            return Prepared(name).CreateSession(path, options);
        return InferenceSession.FromFile(path, options, name);
    }

    /// <summary>Where <paramref name="name"/>'s prepared copies live (see <see cref="PreparedModel"/>).</summary>
    public PreparedModel Prepared(string name) => new(Path.Combine(store.CacheDirectory, "prepared"), name, Sha256Of(name));

    public void Dispose()
    {
        foreach (var lazy in _sessions.Values)
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully) lazy.Value.Result.Dispose();
        _sessions.Clear();
    }
}
