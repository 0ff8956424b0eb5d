using System.Runtime.InteropServices;
using System.Text;

namespace Likeness.Inference;

/// <summary>
/// One loaded ONNX model. Create it once and reuse it: <see cref="Run"/> is safe to call from many
/// threads at once. Disposing releases the native session deterministically (after in-flight runs).
/// This is the only type the rest of Likeness uses from the binding, so the official
/// Microsoft.ML.OnnxRuntime package could replace it behind the same surface.
/// </summary>
public sealed unsafe class InferenceSession : IDisposable
{
    readonly OrtRuntime _ort;
    readonly SessionHandle _handle;
    readonly IntPtr[] _inputNamePtrs;
    readonly IntPtr[] _outputNamePtrs;

    long _runs, _runTicks;

    public string ModelName { get; }

    /// <summary>Runs so far and the time spent inside ORT's Run (for benchmarks: model time vs. whole call).</summary>
    public (long Runs, TimeSpan ModelTime) RunStatistics => (Interlocked.Read(ref _runs), TimeSpan.FromTicks(Interlocked.Read(ref _runTicks) * TimeSpan.TicksPerSecond / System.Diagnostics.Stopwatch.Frequency));
    public IReadOnlyList<NodeMetadata> Inputs { get; }
    public IReadOnlyList<NodeMetadata> Outputs { get; }

    InferenceSession(OrtRuntime ort, IntPtr session, string modelName)
    {
        _ort = ort;
        _handle = new SessionHandle(ort, session);
        ModelName = modelName;
        try
        {
            Inputs = ReadMetadata(isInput: true);
            Outputs = ReadMetadata(isInput: false);
        }
        catch
        {
            _handle.Dispose();
            throw;
        }
        _inputNamePtrs = Inputs.Select(i => Utf8(i.Name)).ToArray();
        _outputNamePtrs = Outputs.Select(o => Utf8(o.Name)).ToArray();
        // Runs in flight hold a reference on the handle, so the name buffers are freed with it.
        _handle.FreeOnRelease(_inputNamePtrs.Concat(_outputNamePtrs));
    }

    public static InferenceSession FromFile(string path, SessionOptions? options = null, string? modelName = null)
    {
        modelName ??= Path.GetFileNameWithoutExtension(path);
        if (!File.Exists(path))
            throw new LikenessException($"model '{modelName}': file {path} does not exist (run `likeness models fetch {modelName}`)");
        // Loading from bytes sidesteps UTF-8 (Linux) vs UTF-16 (Windows) model paths.
        return FromBytes(File.ReadAllBytes(path), options, modelName);
    }

    public static InferenceSession FromBytes(byte[] model, SessionOptions? options = null, string modelName = "model")
    {
        var ort = OrtRuntime.Instance;
        options ??= SessionOptions.Default;
        var api = ort.Api;
        IntPtr opts, session;
        ort.Check(api.CreateSessionOptions(&opts), "creating session options", modelName);
        try
        {
            ort.Check(api.SetIntraOpNumThreads(opts, options.IntraOpThreads), "setting intra-op threads", modelName);
            ort.Check(api.SetInterOpNumThreads(opts, options.InterOpThreads), "setting inter-op threads", modelName);
            ort.Check(api.SetSessionGraphOptimizationLevel(opts, (int)options.Optimization), "setting graph optimisation", modelName);
            fixed (byte* data = model)
                ort.Check(api.CreateSessionFromArray(ort.Env, data, (nuint)model.Length, opts, &session), "loading the model", modelName);
        }
        finally
        {
            api.ReleaseSessionOptions(opts);
        }
        return new InferenceSession(ort, session, modelName);
    }

    public NodeMetadata Input(string name) => Inputs.FirstOrDefault(i => i.Name == name)
        ?? throw new ArgumentException($"model '{ModelName}' has no input '{name}' (inputs: {string.Join(", ", Inputs.Select(i => i.Name))})");

    /// <summary>Runs the model on a single input and returns every output.</summary>
    public NamedTensor[] Run(Tensor input) => Run([new NamedTensor(Inputs[0].Name, input)]);

    /// <summary>Runs the model. Outputs are copied to managed arrays; when <paramref name="outputNames"/> is null all are returned.</summary>
    public NamedTensor[] Run(IReadOnlyList<NamedTensor> inputs, IReadOnlyList<string>? outputNames = null)
    {
        var api = _ort.Api;
        int nIn = inputs.Count;
        var inNames = new IntPtr[nIn];
        var inValues = new IntPtr[nIn];
        var pins = new GCHandle[nIn];
        int[] outIndex = outputNames is null
            ? Enumerable.Range(0, Outputs.Count).ToArray()
            : outputNames.Select(OutputIndex).ToArray();
        var outNames = outIndex.Select(i => _outputNamePtrs[i]).ToArray();
        var outValues = new IntPtr[outIndex.Length];

        bool addedRef = false;
        try
        {
            _handle.DangerousAddRef(ref addedRef);
            for (int i = 0; i < nIn; i++)
            {
                var (name, tensor) = inputs[i];
                inNames[i] = _inputNamePtrs[InputIndex(name)];
                inValues[i] = CreateValue(tensor, ref pins[i], name);
            }
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            fixed (IntPtr* pInNames = inNames, pInValues = inValues, pOutNames = outNames, pOutValues = outValues)
                _ort.Check(api.Run(_handle.DangerousGetHandle(), IntPtr.Zero, pInNames, pInValues, (nuint)nIn,
                    pOutNames, (nuint)outNames.Length, pOutValues), "running inference", ModelName);
            Interlocked.Add(ref _runTicks, System.Diagnostics.Stopwatch.GetTimestamp() - start);
            Interlocked.Increment(ref _runs);

            var results = new NamedTensor[outIndex.Length];
            for (int i = 0; i < outIndex.Length; i++)
                results[i] = new NamedTensor(Outputs[outIndex[i]].Name, CopyOut(outValues[i]));
            return results;
        }
        finally
        {
            foreach (var v in inValues) if (v != IntPtr.Zero) api.ReleaseValue(v);
            foreach (var v in outValues) if (v != IntPtr.Zero) api.ReleaseValue(v);
            foreach (var p in pins) if (p.IsAllocated) p.Free();
            if (addedRef) _handle.DangerousRelease();
        }
    }

    int InputIndex(string name)
    {
        for (int i = 0; i < Inputs.Count; i++) if (Inputs[i].Name == name) return i;
        throw new ArgumentException($"model '{ModelName}' has no input '{name}' (inputs: {string.Join(", ", Inputs.Select(i => i.Name))})");
    }

    int OutputIndex(string name)
    {
        for (int i = 0; i < Outputs.Count; i++) if (Outputs[i].Name == name) return i;
        throw new ArgumentException($"model '{ModelName}' has no output '{name}' (outputs: {string.Join(", ", Outputs.Select(o => o.Name))})");
    }

    IntPtr CreateValue(Tensor tensor, ref GCHandle pin, string name)
    {
        var expected = Input(name);
        if (expected.ElementType != tensor.ElementType)
            throw new ArgumentException($"model '{ModelName}' input '{name}' takes {expected.ElementType}, got {tensor.ElementType}");
        if (expected.Shape.Length != tensor.Shape.Length)
            throw new ArgumentException($"model '{ModelName}' input '{name}' has rank {expected.Shape.Length} ({expected}), got shape [{string.Join(",", tensor.Shape)}]");
        pin = GCHandle.Alloc(tensor.Data, GCHandleType.Pinned);
        var bytes = (nuint)(tensor.Data.LongLength * Tensor.ElementSize(tensor.ElementType));
        IntPtr value;
        fixed (long* shape = tensor.Shape)
            _ort.Check(_ort.Api.CreateTensorWithDataAsOrtValue(_ort.CpuMemory, (void*)pin.AddrOfPinnedObject(), bytes,
                shape, (nuint)tensor.Shape.Length, (int)tensor.ElementType, &value), $"creating input tensor '{name}'", ModelName);
        return value;
    }

    Tensor CopyOut(IntPtr value)
    {
        var api = _ort.Api;
        IntPtr info;
        _ort.Check(api.GetTensorTypeAndShape(value, &info), "reading output shape", ModelName);
        try
        {
            var (type, shape) = ReadTensorInfo(info);
            var data = Tensor.NewArray(type, Tensor.ElementCount(shape));
            void* src;
            _ort.Check(api.GetTensorMutableData(value, &src), "reading output data", ModelName);
            var handle = GCHandle.Alloc(data, GCHandleType.Pinned);
            try
            {
                long bytes = data.LongLength * Tensor.ElementSize(type);
                Buffer.MemoryCopy(src, (void*)handle.AddrOfPinnedObject(), bytes, bytes);
            }
            finally { handle.Free(); }
            return Tensor.Create(type, shape, data);
        }
        finally
        {
            api.ReleaseTensorTypeAndShapeInfo(info);
        }
    }

    IReadOnlyList<NodeMetadata> ReadMetadata(bool isInput)
    {
        var api = _ort.Api;
        var session = _handle.DangerousGetHandle();
        nuint count;
        _ort.Check(isInput ? api.SessionGetInputCount(session, &count) : api.SessionGetOutputCount(session, &count), "reading metadata", ModelName);
        var list = new List<NodeMetadata>((int)count);
        for (nuint i = 0; i < count; i++)
        {
            IntPtr namePtr, typeInfo, tensorInfo;
            _ort.Check(isInput ? api.SessionGetInputName(session, i, _ort.DefaultAllocator, &namePtr)
                               : api.SessionGetOutputName(session, i, _ort.DefaultAllocator, &namePtr), "reading a node name", ModelName);
            var name = Marshal.PtrToStringUTF8(namePtr) ?? "";
            _ort.Check(api.AllocatorFree(_ort.DefaultAllocator, namePtr), "freeing a node name", ModelName);

            _ort.Check(isInput ? api.SessionGetInputTypeInfo(session, i, &typeInfo)
                               : api.SessionGetOutputTypeInfo(session, i, &typeInfo), "reading node type", ModelName);
            try
            {
                _ort.Check(api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo), "reading tensor info", ModelName);
                if (tensorInfo == IntPtr.Zero)
                {
                    list.Add(new NodeMetadata(name, TensorElementType.Undefined, []));
                    continue;
                }
                var (type, shape) = ReadTensorInfo(tensorInfo); // owned by typeInfo: not released separately
                list.Add(new NodeMetadata(name, type, shape));
            }
            finally { api.ReleaseTypeInfo(typeInfo); }
        }
        return list;
    }

    (TensorElementType, long[]) ReadTensorInfo(IntPtr info)
    {
        var api = _ort.Api;
        int type;
        nuint rank;
        _ort.Check(api.GetTensorElementType(info, &type), "reading element type", ModelName);
        _ort.Check(api.GetDimensionsCount(info, &rank), "reading rank", ModelName);
        var shape = new long[(int)rank];
        fixed (long* dims = shape)
            _ort.Check(api.GetDimensions(info, dims, rank), "reading dimensions", ModelName);
        return ((TensorElementType)type, shape);
    }

    static IntPtr Utf8(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s + "\0");
        var p = Marshal.AllocHGlobal(bytes.Length);
        Marshal.Copy(bytes, 0, p, bytes.Length);
        return p;
    }

    public void Dispose() => _handle.Dispose();

    public override string ToString() => $"{ModelName}: in {string.Join(", ", Inputs)}; out {string.Join(", ", Outputs)}";

    sealed class SessionHandle : SafeHandle
    {
        readonly OrtRuntime _ort;
        IntPtr[] _toFree = [];

        public SessionHandle(OrtRuntime ort, IntPtr session) : base(IntPtr.Zero, ownsHandle: true)
        {
            _ort = ort;
            SetHandle(session);
        }

        public override bool IsInvalid => handle == IntPtr.Zero;

        public void FreeOnRelease(IEnumerable<IntPtr> buffers) => _toFree = buffers.ToArray();

        protected override bool ReleaseHandle()
        {
            _ort.Api.ReleaseSession(handle);
            foreach (var p in _toFree) Marshal.FreeHGlobal(p);
            _toFree = [];
            return true;
        }
    }
}
