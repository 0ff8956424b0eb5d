using Likeness.Inference;
using Likeness.Vision.Matting;
using Microsoft.Extensions.Options;
using Likeness.Tests.Support;
using Xunit.Abstractions;

namespace Likeness.Tests.Inference;

public class InferenceSessionTests(ITestOutputHelper output)
{
    static InferenceSession Open(string relative, SessionOptions? options = null)
    {
        Skip.IfNot(OrtRuntime.TryGet(out _, out var problem), problem);
        return InferenceSession.FromFile(TestPaths.SharedModel(relative), options);
    }

    [SkippableFact]
    public void YuNet_dynamic_metadata_matches_the_manifest()
    {
        using var session = Open("face_detection/yunet_n_dynamic.onnx");
        output.WriteLine(session.ToString());
        var input = Assert.Single(session.Inputs);
        Assert.Equal("input", input.Name);
        Assert.Equal(TensorElementType.Float, input.ElementType);
        Assert.Equal(4, input.Shape.Length);
        Assert.Equal(3, input.Shape[1]);
        Assert.True(input.Shape[0] < 0 && input.Shape[2] < 0 && input.Shape[3] < 0, "batch, height and width are dynamic");
        Assert.Equal(12, session.Outputs.Count);
        foreach (var head in new[] { "cls", "obj", "bbox", "kps" })
            foreach (var stride in new[] { 8, 16, 32 })
                Assert.Contains(session.Outputs, o => o.Name == $"{head}_{stride}");
    }

    [SkippableFact]
    public void YuNet_640_metadata_is_static()
    {
        using var session = Open("face_detection/yunet_n_640_640.onnx");
        Assert.Equal(new long[] { 1, 3, 640, 640 }, Assert.Single(session.Inputs).Shape);
        Assert.False(session.Inputs[0].IsDynamic);
    }

    [SkippableFact]
    public void Face_mesh_metadata_matches_the_manifest()
    {
        using var session = Open("face_landmarks/face_landmark_barracuda.onnx");
        var input = Assert.Single(session.Inputs);
        Assert.Equal("input_1", input.Name);
        Assert.Equal(new long[] { 1, 3, 192, 192 }, input.Shape);
        var mesh = session.Outputs.Single(o => o.Name == "conv2d_20");
        Assert.Equal(new long[] { 1, 1404, 1, 1 }, mesh.Shape);
        Assert.Contains(session.Outputs, o => o.Name == "conv2d_30");
    }

    [SkippableFact]
    public void A_session_without_the_memory_arena_gives_the_same_results_run_after_run()
    {
        using var pooled = Open("pose/movenet-lightning.onnx");
        using var freed = Open("pose/movenet-lightning.onnx", new SessionOptions { CpuMemoryArena = false });
        var pixels = new int[192 * 192 * 3];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (i * 37) % 256;
        var expected = pooled.Run(Tensor.FromInt32(pixels, 1, 192, 192, 3))[0].Value.AsFloats();
        for (int run = 0; run < 3; run++)
            Assert.Equal(expected, freed.Run(Tensor.FromInt32(pixels, 1, 192, 192, 3))[0].Value.AsFloats());
    }

    [Fact]
    public void Low_memory_mode_frees_isnets_activations_and_leaves_out_the_int8_models_layout_transforms()
    {
        if (Environment.GetEnvironmentVariable("LIKENESS_LOW_MEMORY") != "1")
        {
            var defaults = new InferenceOptions();
            Assert.DoesNotContain("isnet", defaults.ArenaFreeModels);
            Assert.False(defaults.Optimization.ContainsKey("isnet"));
        }
        Environment.SetEnvironmentVariable("LIKENESS_LOW_MEMORY", "1");
        try
        {
            var low = new InferenceOptions();
            Assert.Contains("isnet", low.ArenaFreeModels);
            // ISNet runs prepared (float32, saved graph): its layout transforms no longer cost memory, so it keeps them.
            Assert.False(low.Optimization.ContainsKey("isnet"));
            Assert.Equal(GraphOptimization.Extended, low.Optimization["isnet-int8"]);
            Assert.False(low.Optimization.ContainsKey("fr-feature"));
        }
        finally { Environment.SetEnvironmentVariable("LIKENESS_LOW_MEMORY", null); }
    }

    [SkippableFact]
    public async Task ISNet_optimised_for_memory_gives_the_same_matte_on_a_real_photo()
    {
        var store = TestModels.Require(IsNetMatting.Model).Store;
        var photo = TestModels.Photo("portraits/tf_pose/hand1.jpg");
        async Task<float[]> MatteAsync(InferenceOptions options)
        {
            using var sessions = new ModelSessions(store, Options.Create(options));
            return (await new IsNetMatting(sessions) { KeepOnlyPeople = false }.MatteAsync(photo)).Alpha.Data;
        }
        var fast = await MatteAsync(new InferenceOptions());
        var lean = await MatteAsync(new InferenceOptions().PreferMemory(InferenceOptions.MemoryHungryModels));
        double maxDiff = 0, covered = 0;
        for (int i = 0; i < fast.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(fast[i] - lean[i]));
            if (fast[i] > 0.5f) covered++;
        }
        output.WriteLine($"max |All - Extended without arena| {maxDiff:0.00000}; person {covered / fast.Length:0.000} of the photo");
        Assert.InRange(covered / fast.Length, 0.2, 0.8);
        Assert.True(maxDiff < 0.02, $"the mattes differ by up to {maxDiff:0.000}");
    }

    [SkippableFact]
    public void MoveNet_takes_int32_and_returns_17_keypoints()
    {
        using var session = Open("pose/movenet-lightning.onnx");
        var input = Assert.Single(session.Inputs);
        Assert.Equal(TensorElementType.Int32, input.ElementType);
        var pixels = new int[192 * 192 * 3];
        Array.Fill(pixels, 128);
        var result = session.Run(Tensor.FromInt32(pixels, 1, 192, 192, 3));
        var kp = Assert.Single(result).Value;
        Assert.Equal(new long[] { 1, 1, 17, 3 }, kp.Shape);
        Assert.All(kp.AsFloats(), v => Assert.True(float.IsFinite(v)));
    }

    [SkippableFact]
    public void A_corrupt_model_reports_ORTs_message_and_the_model_name()
    {
        Skip.IfNot(OrtRuntime.TryGet(out _, out var problem), problem);
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        var e = Assert.Throws<InferenceException>(() => InferenceSession.FromBytes(garbage, modelName: "broken-model"));
        output.WriteLine(e.Message);
        Assert.Contains("broken-model", e.Message);
        Assert.Contains("loading the model", e.Message);
        Assert.False(string.IsNullOrWhiteSpace(e.OrtMessage));
    }

    [SkippableFact]
    public void Wrong_input_type_or_rank_is_refused_before_running()
    {
        using var session = Open("face_landmarks/face_landmark_barracuda.onnx");
        var asInts = Tensor.FromInt32(new int[192 * 192 * 3], 1, 3, 192, 192);
        Assert.Contains("takes Float", Assert.Throws<ArgumentException>(() => session.Run(asInts)).Message);
        var flat = Tensor.FromFloats(new float[192 * 192 * 3], 3, 192 * 192);
        Assert.Contains("rank 4", Assert.Throws<ArgumentException>(() => session.Run(flat)).Message);
    }

    [SkippableFact]
    public void A_wrong_concrete_shape_surfaces_ORTs_message()
    {
        using var session = Open("face_landmarks/face_landmark_barracuda.onnx");
        var tooSmall = Tensor.FromFloats(new float[3 * 100 * 100], 1, 3, 100, 100);
        var e = Assert.Throws<InferenceException>(() => session.Run(tooSmall));
        Assert.Contains("running inference", e.Message);
        Assert.Contains("face_landmark_barracuda", e.Message);
    }

    [SkippableFact]
    public void Four_threads_running_one_session_get_identical_outputs()
    {
        using var session = Open("face_landmarks/face_landmark_barracuda.onnx");
        var input = new float[3 * 192 * 192];
        var rng = new Random(42);
        for (int i = 0; i < input.Length; i++) input[i] = (float)rng.NextDouble();
        var tensor = Tensor.FromFloats(input, 1, 3, 192, 192);
        var reference = session.Run(tensor).Single(t => t.Name == "conv2d_20").Value.AsFloats();
        Assert.Contains(reference, v => v != 0);

        int mismatches = 0;
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (int run = 0; run < 100; run++)
            {
                var mesh = session.Run(tensor).Single(t => t.Name == "conv2d_20").Value.AsFloats();
                if (!mesh.AsSpan().SequenceEqual(reference)) Interlocked.Increment(ref mismatches);
            }
        });
        Assert.Equal(0, mismatches);
    }

    [SkippableFact]
    public void Run_after_dispose_throws_ObjectDisposed()
    {
        var session = Open("face_landmarks/face_landmark_barracuda.onnx");
        session.Dispose();
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.Run(Tensor.FromFloats(new float[3 * 192 * 192], 1, 3, 192, 192)));
    }

    [SkippableFact]
    public void Missing_model_file_says_how_to_fetch_it()
    {
        Skip.IfNot(OrtRuntime.TryGet(out _, out var problem), problem);
        var e = Assert.Throws<LikenessException>(() => InferenceSession.FromFile("/nonexistent/yunet.onnx"));
        Assert.Contains("likeness models fetch yunet", e.Message);
    }
}
