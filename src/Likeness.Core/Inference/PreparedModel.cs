using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace Likeness.Inference;

/// <summary>
/// A model run from copies made once per machine in the cache's <c>prepared/</c> folder: its float16 weights widened
/// to float32 (<see cref="Float16Widening"/>), and the graph ORT optimised at the requested level, saved so that later
/// sessions load it without optimising again. The optimised graph holds layout transforms for this CPU's vector width,
/// so its file name carries the ORT version and a key of the CPU's instruction sets; its weights sit in a file of their
/// own that ORT maps instead of copying. Every file is written under another name and moved into place, so a killed
/// process or a second one preparing at the same time leaves no torn file. ISNet on 2 cores: session 0.6–0.8 s when
/// optimising, 0.5 s from the saved graph with its weights inside, 0.1 s with them mapped.
/// </summary>
public sealed class PreparedModel(string directory, string name, string sha256)
{
    public string Directory => directory;

    public string WidenedPath => Path.Combine(directory, $"{name}-{sha256[..12]}-f32.onnx");

    public string OptimizedPath(GraphOptimization level) =>
        Path.Combine(directory, $"{name}-{sha256[..12]}-f32-ort{OrtRuntime.Instance.Version}-{CpuKey}-{level}.onnx".ToLowerInvariant());

    /// <summary>A session over the prepared copies, making whatever is missing; the plain model when they cannot be written.</summary>
    public InferenceSession CreateSession(string source, SessionOptions options)
    {
        string widened;
        try { widened = Widen(source); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Google.Protobuf.InvalidProtocolBufferException)
        {
            return InferenceSession.FromFile(source, options, name); // ORT reports a model it cannot read better than the parser
        }
        try { return FromWidened(widened, options); }
        catch (InferenceException) when (widened != source)
        {
            // A widened copy ORT cannot read (damaged on disk): the shipped model serves now, the copy is made again next time.
            TryDelete(widened);
            return InferenceSession.FromFile(source, options, name);
        }
    }

    InferenceSession FromWidened(string widened, SessionOptions options)
    {
        if (options.Optimization == GraphOptimization.None) return InferenceSession.FromFile(widened, options, name);

        var optimized = OptimizedPath(options.Optimization);
        if (File.Exists(optimized))
        {
            try { return InferenceSession.FromFile(optimized, options with { Optimization = GraphOptimization.None }, name); }
            catch (InferenceException) { TryDelete(optimized); } // unreadable: optimise again below
        }
        // Saved under the final names in a folder of its own (the graph names its weights file), then moved into
        // place weights first: the graph file appears last, when it is whole.
        var staging = Path.Combine(directory, $"staging-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var staged = Path.Combine(staging, Path.GetFileName(optimized));
        try
        {
            System.IO.Directory.CreateDirectory(staging);
            InferenceSession session;
            try { session = InferenceSession.FromFile(widened, options with { SaveOptimizedModelTo = staged }, name); }
            catch (InferenceException) { return InferenceSession.FromFile(widened, options, name); } // e.g. no room to save the graph
            try
            {
                File.Move(staged + ".data", optimized + ".data", overwrite: true);
                File.Move(staged, optimized, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            return session;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return InferenceSession.FromFile(widened, options, name);
        }
        finally
        {
            try { System.IO.Directory.Delete(staging, recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>The float32 copy (made now if missing), or <paramref name="source"/> when it has no float16 in it.</summary>
    public string Widen(string source)
    {
        var path = WidenedPath;
        var nothingToWiden = path + ".none";
        if (File.Exists(path)) return path;
        if (File.Exists(nothingToWiden)) return source;
        System.IO.Directory.CreateDirectory(directory);
        var temp = TempBeside(path);
        try
        {
            if (!Float16Widening.Widen(source, temp))
            {
                File.WriteAllText(nothingToWiden, "");
                return source;
            }
            File.Move(temp, path, overwrite: true);
            return path;
        }
        finally { TryDelete(temp); }
    }

    static string TempBeside(string path) => $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";

    static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>The instruction sets ORT's kernels and layout transforms choose between, hashed.</summary>
    static readonly string CpuKey = ComputeCpuKey();

    static string ComputeCpuKey()
    {
        var isa = new StringBuilder(RuntimeInformation.ProcessArchitecture.ToString());
        void Add(string flag, bool supported) { if (supported) isa.Append(',').Append(flag); }
        Add("avx", Avx.IsSupported); Add("avx2", Avx2.IsSupported); Add("fma", Fma.IsSupported);
        Add("avx512f", Avx512F.IsSupported); Add("avx512bw", Avx512BW.IsSupported); Add("avx512vbmi", Avx512Vbmi.IsSupported);
        Add("avxvnni", AvxVnni.IsSupported); Add("avx10v1", Avx10v1.IsSupported);
        Add("advsimd", AdvSimd.IsSupported); Add("dp", Dp.IsSupported);
        return Convert.ToHexStringLower(XxHash32.Hash(Encoding.ASCII.GetBytes(isa.ToString())));
    }
}
