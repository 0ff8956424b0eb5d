using System.Runtime.InteropServices;
using Likeness.Native;

namespace Likeness.Inference;

/// <summary>
/// The slice of ONNX Runtime's C API table (struct OrtApi) that Likeness calls.
/// The table is append-only across versions, so these 0-based indices hold for every 1.x library.
/// </summary>
internal sealed unsafe class OrtApi
{
    [StructLayout(LayoutKind.Sequential)]
    struct OrtApiBase
    {
        public delegate* unmanaged<uint, IntPtr> GetApi;
        public delegate* unmanaged<IntPtr> GetVersionString;
    }

    [DllImport(NativeLibraries.OnnxRuntime, EntryPoint = "OrtGetApiBase")]
    static extern OrtApiBase* OrtGetApiBase();

    readonly IntPtr* _table;

    public string Version { get; }
    public uint ApiVersion { get; }

    OrtApi(IntPtr* table, string version, uint apiVersion)
    {
        _table = table;
        Version = version;
        ApiVersion = apiVersion;
    }

    public static OrtApi Load()
    {
        OrtApiBase* apiBase;
        try
        {
            apiBase = OrtGetApiBase();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new LikenessException(NativeLibraries.InstallHint(NativeLibraries.OnnxRuntime), e);
        }
        var version = Marshal.PtrToStringUTF8(apiBase->GetVersionString()) ?? "";
        // Asking for an unsupported API version returns null and prints to stderr, so derive it
        // from the library's own version string (1.30.0 -> 30) instead of probing downwards.
        var parts = version.Split('.');
        if (parts.Length < 2 || !uint.TryParse(parts[1], out var minor) || parts[0] != "1")
            throw new LikenessException($"unrecognised ONNX Runtime version '{version}': Likeness needs ONNX Runtime 1.x (tested with 1.30.0)");
        var table = (IntPtr*)apiBase->GetApi(minor);
        if (table == null)
            throw new LikenessException($"ONNX Runtime {version} refused API version {minor}");
        return new OrtApi(table, version, minor);
    }

    IntPtr this[int index] => _table[index];

    // Error handling
    public int GetErrorCode(IntPtr status) => ((delegate* unmanaged<IntPtr, int>)this[1])(status);
    public IntPtr GetErrorMessage(IntPtr status) => ((delegate* unmanaged<IntPtr, IntPtr>)this[2])(status);
    public void ReleaseStatus(IntPtr status) => ((delegate* unmanaged<IntPtr, void>)this[93])(status);

    // Environment and session creation
    public IntPtr CreateEnv(int level, byte* logId, IntPtr* env) => ((delegate* unmanaged<int, byte*, IntPtr*, IntPtr>)this[3])(level, logId, env);
    public IntPtr CreateSession(IntPtr env, byte* path, IntPtr options, IntPtr* session) => ((delegate* unmanaged<IntPtr, byte*, IntPtr, IntPtr*, IntPtr>)this[7])(env, path, options, session);
    public IntPtr CreateSessionFromArray(IntPtr env, void* data, nuint length, IntPtr options, IntPtr* session) => ((delegate* unmanaged<IntPtr, void*, nuint, IntPtr, IntPtr*, IntPtr>)this[8])(env, data, length, options, session);
    public IntPtr CreateSessionOptions(IntPtr* options) => ((delegate* unmanaged<IntPtr*, IntPtr>)this[10])(options);
    public IntPtr SetSessionGraphOptimizationLevel(IntPtr options, int level) => ((delegate* unmanaged<IntPtr, int, IntPtr>)this[23])(options, level);
    public IntPtr SetIntraOpNumThreads(IntPtr options, int n) => ((delegate* unmanaged<IntPtr, int, IntPtr>)this[24])(options, n);
    public IntPtr SetInterOpNumThreads(IntPtr options, int n) => ((delegate* unmanaged<IntPtr, int, IntPtr>)this[25])(options, n);

    // Running
    public IntPtr Run(IntPtr session, IntPtr runOptions, IntPtr* inputNames, IntPtr* inputs, nuint inputCount, IntPtr* outputNames, nuint outputCount, IntPtr* outputs)
        => ((delegate* unmanaged<IntPtr, IntPtr, IntPtr*, IntPtr*, nuint, IntPtr*, nuint, IntPtr*, IntPtr>)this[9])(session, runOptions, inputNames, inputs, inputCount, outputNames, outputCount, outputs);

    // Metadata
    public IntPtr SessionGetInputCount(IntPtr session, nuint* count) => ((delegate* unmanaged<IntPtr, nuint*, IntPtr>)this[30])(session, count);
    public IntPtr SessionGetOutputCount(IntPtr session, nuint* count) => ((delegate* unmanaged<IntPtr, nuint*, IntPtr>)this[31])(session, count);
    public IntPtr SessionGetInputTypeInfo(IntPtr session, nuint index, IntPtr* typeInfo) => ((delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr>)this[33])(session, index, typeInfo);
    public IntPtr SessionGetOutputTypeInfo(IntPtr session, nuint index, IntPtr* typeInfo) => ((delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr>)this[34])(session, index, typeInfo);
    public IntPtr SessionGetInputName(IntPtr session, nuint index, IntPtr allocator, IntPtr* name) => ((delegate* unmanaged<IntPtr, nuint, IntPtr, IntPtr*, IntPtr>)this[36])(session, index, allocator, name);
    public IntPtr SessionGetOutputName(IntPtr session, nuint index, IntPtr allocator, IntPtr* name) => ((delegate* unmanaged<IntPtr, nuint, IntPtr, IntPtr*, IntPtr>)this[37])(session, index, allocator, name);
    public IntPtr CastTypeInfoToTensorInfo(IntPtr typeInfo, IntPtr* tensorInfo) => ((delegate* unmanaged<IntPtr, IntPtr*, IntPtr>)this[55])(typeInfo, tensorInfo);
    public IntPtr GetTensorElementType(IntPtr info, int* type) => ((delegate* unmanaged<IntPtr, int*, IntPtr>)this[60])(info, type);
    public IntPtr GetDimensionsCount(IntPtr info, nuint* count) => ((delegate* unmanaged<IntPtr, nuint*, IntPtr>)this[61])(info, count);
    public IntPtr GetDimensions(IntPtr info, long* dims, nuint count) => ((delegate* unmanaged<IntPtr, long*, nuint, IntPtr>)this[62])(info, dims, count);

    // Values
    public IntPtr CreateCpuMemoryInfo(int allocatorType, int memType, IntPtr* info) => ((delegate* unmanaged<int, int, IntPtr*, IntPtr>)this[69])(allocatorType, memType, info);
    public IntPtr CreateTensorWithDataAsOrtValue(IntPtr memInfo, void* data, nuint byteLength, long* shape, nuint rank, int type, IntPtr* value)
        => ((delegate* unmanaged<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr>)this[49])(memInfo, data, byteLength, shape, rank, type, value);
    public IntPtr GetTensorMutableData(IntPtr value, void** data) => ((delegate* unmanaged<IntPtr, void**, IntPtr>)this[51])(value, data);
    public IntPtr GetTensorTypeAndShape(IntPtr value, IntPtr* info) => ((delegate* unmanaged<IntPtr, IntPtr*, IntPtr>)this[65])(value, info);

    // Allocator
    public IntPtr GetAllocatorWithDefaultOptions(IntPtr* allocator) => ((delegate* unmanaged<IntPtr*, IntPtr>)this[78])(allocator);
    public IntPtr AllocatorFree(IntPtr allocator, IntPtr p) => ((delegate* unmanaged<IntPtr, IntPtr, IntPtr>)this[76])(allocator, p);

    // Release
    public void ReleaseEnv(IntPtr p) => ((delegate* unmanaged<IntPtr, void>)this[92])(p);
    public void ReleaseMemoryInfo(IntPtr p) => ((delegate* unmanaged<IntPtr, void>)this[94])(p);
    public void ReleaseSession(IntPtr p) => ((delegate* unmanaged<IntPtr, void>)this[95])(p);
    public void ReleaseValue(IntPtr p) => ((delegate* unmanaged<IntPtr, void>)this[96])(p);
    public void ReleaseTypeInfo(IntPtr p) => ((delegate* unmanaged<IntPtr, void>)this[98])(p);
    public void ReleaseTensorTypeAndShapeInfo(IntPtr p) => ((delegate* unmanaged<IntPtr, void>)this[99])(p);
    public void ReleaseSessionOptions(IntPtr p) => ((delegate* unmanaged<IntPtr, void>)this[100])(p);
}
