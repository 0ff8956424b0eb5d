using System.Runtime.InteropServices;
using Ort = Microsoft.ML.OnnxRuntime;

namespace Likeness.Inference;

/// <summary>
/// One loaded ONNX model over the official Microsoft.ML.OnnxRuntime package. Create it once and reuse it:
/// <see cref="Run"/> is safe to call from many threads at once. Our <see cref="Tensor"/> stays the exchange type,
/// so the model classes own their pre- and post-processing without depending on ORT's types.
/// </summary>
public sealed class InferenceSession : IDisposable
{
    readonly Ort.InferenceSession _session;
    readonly ReaderWriterLockSlim _lifetime = new();
    bool _disposed;
    long _runs, _runTicks;

    public string ModelName { get; }

    /// <summary>Runs so far and the time spent inside ORT's Run (for benchmarks: model time vs. whole call).</summary>
    public (long Runs, TimeSpan ModelTime) RunStatistics => (Interlocked.Read(ref _runs), TimeSpan.FromTicks(Interlocked.Read(ref _runTicks) * TimeSpan.TicksPerSecond / System.Diagnostics.Stopwatch.Frequency));
    public IReadOnlyList<NodeMetadata> Inputs { get; }
    public IReadOnlyList<NodeMetadata> Outputs { get; }

    InferenceSession(Ort.InferenceSession session, string modelName)
    {
        _session = session;
        ModelName = modelName;
        Inputs = Describe(session.InputNames, session.InputMetadata);
        Outputs = Describe(session.OutputNames, session.OutputMetadata);
    }

    public static InferenceSession FromFile(string path, SessionOptions? options = null, string? modelName = null)
    {
        modelName ??= Path.GetFileNameWithoutExtension(path);
        if (!File.Exists(path))
            throw new LikenessException($"model '{modelName}': file {path} does not exist (run `likeness models fetch {modelName}`)");
        // ORT reads the file itself: no managed copy of the weights left on the large-object heap (-150 MB for ISNet).
        _ = OrtRuntime.Instance;
        options ??= SessionOptions.Default;
        using var ortOptions = OrtOptions(options, modelName);
        try { return new InferenceSession(new Ort.InferenceSession(path, ortOptions), modelName); }
        catch (Ort.OnnxRuntimeException e) { throw InferenceException.From(e, modelName, "loading the model"); }
    }

    static Ort.SessionOptions OrtOptions(SessionOptions options, string modelName)
    {
        var ortOptions = new Ort.SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = options.InterOpThreads,
            ExecutionMode = Ort.ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = (Ort.GraphOptimizationLevel)(int)options.Optimization,
            LogSeverityLevel = Ort.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            EnableCpuMemArena = options.CpuMemoryArena,
            // Off: from the second run ORT allocates each run's planned activations as one block, which the arena
            // cannot serve from the chunks the first run left, so it grows again. Measured on 2 cores, 20 compositions
            // in one process: peak 2.35 → 1.53 GB at the same speed (ISNet, YuNet, the mesh and the embedder no slower).
            EnableMemoryPattern = false,
        };
        if (options.SaveOptimizedModelTo is { } optimizedPath)
        {
            // The weights go to <file>.data beside it, which later sessions map instead of copying (ISNet: session 0.5 → 0.1 s).
            ortOptions.OptimizedModelFilePath = optimizedPath;
            ortOptions.AddSessionConfigEntry("session.optimized_model_external_initializers_file_name", Path.GetFileName(optimizedPath) + ".data");
            ortOptions.AddSessionConfigEntry("session.optimized_model_external_initializers_min_size_in_bytes", "1024");
        }
        ExecutionDevice.Apply(ortOptions, options.Device, modelName);
        return ortOptions;
    }

    public static InferenceSession FromBytes(byte[] model, SessionOptions? options = null, string modelName = "model")
    {
        _ = OrtRuntime.Instance; // the environment (log level) before the first session
        options ??= SessionOptions.Default;
        using var ortOptions = OrtOptions(options, modelName);
        try { return new InferenceSession(new Ort.InferenceSession(model, ortOptions), modelName); }
        catch (Ort.OnnxRuntimeException e) { throw InferenceException.From(e, modelName, "loading the model"); }
    }

    public NodeMetadata Input(string name) => Inputs.FirstOrDefault(i => i.Name == name)
        ?? throw new ArgumentException($"model '{ModelName}' has no input '{name}' (inputs: {string.Join(", ", Inputs.Select(i => i.Name))})");

    public NamedTensor[] Run(Tensor input) => Run([new NamedTensor(Inputs[0].Name, input)]);

    public NamedTensor[] Run(IReadOnlyList<NamedTensor> inputs, IReadOnlyList<string>? outputNames = null)
    {
        var names = new string[inputs.Count];
        var values = new Ort.OrtValue[inputs.Count];
        var outputs = outputNames ?? Outputs.Select(o => o.Name).ToArray();
        foreach (var name in outputs)
            if (!Outputs.Any(o => o.Name == name))
                throw new ArgumentException($"model '{ModelName}' has no output '{name}' (outputs: {string.Join(", ", Outputs.Select(o => o.Name))})");
        _lifetime.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            for (int i = 0; i < inputs.Count; i++)
            {
                names[i] = inputs[i].Name;
                values[i] = CreateValue(inputs[i].Name, inputs[i].Value);
            }
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            using var results = RunOrt(names, values, outputs);
            Interlocked.Add(ref _runTicks, System.Diagnostics.Stopwatch.GetTimestamp() - start);
            Interlocked.Increment(ref _runs);
            var copied = new NamedTensor[outputs.Count];
            int k = 0;
            foreach (var value in results) { copied[k] = new NamedTensor(outputs[k], CopyOut(value)); k++; }
            return copied;
        }
        finally
        {
            foreach (var v in values) v?.Dispose();
            _lifetime.ExitReadLock();
        }
    }

    Ort.IDisposableReadOnlyCollection<Ort.OrtValue> RunOrt(string[] names, Ort.OrtValue[] values, IReadOnlyList<string> outputs)
    {
        try
        {
            using var run = new Ort.RunOptions();
            return _session.Run(run, names, values, outputs.ToArray());
        }
        catch (Ort.OnnxRuntimeException e) { throw InferenceException.From(e, ModelName, "running inference"); }
    }

    Ort.OrtValue CreateValue(string name, Tensor tensor)
    {
        var expected = Input(name);
        if (expected.ElementType != tensor.ElementType)
            throw new ArgumentException($"model '{ModelName}' input '{name}' takes {expected.ElementType}, got {tensor.ElementType}");
        if (expected.Shape.Length != tensor.Shape.Length)
            throw new ArgumentException($"model '{ModelName}' input '{name}' has rank {expected.Shape.Length} ({expected}), got shape [{string.Join(",", tensor.Shape)}]");
        // The managed arrays are pinned by the OrtValue for as long as it lives: no copy of the input.
        return tensor.Data switch
        {
            float[] a => Ort.OrtValue.CreateTensorValueFromMemory(a, tensor.Shape),
            int[] a => Ort.OrtValue.CreateTensorValueFromMemory(a, tensor.Shape),
            long[] a => Ort.OrtValue.CreateTensorValueFromMemory(a, tensor.Shape),
            byte[] a => Ort.OrtValue.CreateTensorValueFromMemory(a, tensor.Shape),
            bool[] a => Ort.OrtValue.CreateTensorValueFromMemory(a, tensor.Shape),
            double[] a => Ort.OrtValue.CreateTensorValueFromMemory(a, tensor.Shape),
            sbyte[] a => Ort.OrtValue.CreateTensorValueFromMemory(a, tensor.Shape),
            short[] a => Ort.OrtValue.CreateTensorValueFromMemory(a, tensor.Shape),
            ushort[] a => Ort.OrtValue.CreateTensorValueFromMemory(a, tensor.Shape),
            uint[] a => Ort.OrtValue.CreateTensorValueFromMemory(a, tensor.Shape),
            ulong[] a => Ort.OrtValue.CreateTensorValueFromMemory(a, tensor.Shape),
            Half[] a => Ort.OrtValue.CreateTensorValueFromMemory(MemoryMarshal.Cast<Half, Ort.Float16>(a).ToArray(), tensor.Shape),
            _ => throw new NotSupportedException($"model '{ModelName}' input '{name}': tensor element type {tensor.ElementType} is not supported"),
        };
    }

    static Tensor CopyOut(Ort.OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        var type = (TensorElementType)(int)info.ElementDataType;
        var shape = info.Shape;
        Array data = type switch
        {
            TensorElementType.Float => value.GetTensorDataAsSpan<float>().ToArray(),
            TensorElementType.Int32 => value.GetTensorDataAsSpan<int>().ToArray(),
            TensorElementType.Int64 => value.GetTensorDataAsSpan<long>().ToArray(),
            TensorElementType.UInt8 => value.GetTensorDataAsSpan<byte>().ToArray(),
            TensorElementType.Bool => value.GetTensorDataAsSpan<bool>().ToArray(),
            TensorElementType.Double => value.GetTensorDataAsSpan<double>().ToArray(),
            TensorElementType.Int8 => value.GetTensorDataAsSpan<sbyte>().ToArray(),
            TensorElementType.Int16 => value.GetTensorDataAsSpan<short>().ToArray(),
            TensorElementType.UInt16 => value.GetTensorDataAsSpan<ushort>().ToArray(),
            TensorElementType.UInt32 => value.GetTensorDataAsSpan<uint>().ToArray(),
            TensorElementType.UInt64 => value.GetTensorDataAsSpan<ulong>().ToArray(),
            TensorElementType.Float16 => MemoryMarshal.Cast<Ort.Float16, Half>(value.GetTensorDataAsSpan<Ort.Float16>()).ToArray(),
            _ => throw new NotSupportedException($"output element type {type} is not supported"),
        };
        return Tensor.Create(type, shape, data);
    }

    static IReadOnlyList<NodeMetadata> Describe(IReadOnlyList<string> names, IReadOnlyDictionary<string, Ort.NodeMetadata> metadata) =>
        names.Select(n => new NodeMetadata(n, (TensorElementType)(int)metadata[n].ElementDataType,
            metadata[n].Dimensions.Select(d => (long)d).ToArray())).ToList();

    /// <summary>Waits for runs in flight, then releases the native session.</summary>
    public void Dispose()
    {
        _lifetime.EnterWriteLock();
        try
        {
            if (_disposed) return;
            _disposed = true;
            _session.Dispose();
        }
        finally { _lifetime.ExitWriteLock(); }
    }

    public override string ToString() => $"{ModelName}: in {string.Join(", ", Inputs)}; out {string.Join(", ", Outputs)}";
}
