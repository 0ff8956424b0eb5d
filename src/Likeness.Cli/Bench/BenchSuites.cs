using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Tensors;
using Likeness.Inference;
using Likeness.Compositing;
using Likeness.Pipelines;
using Likeness.Pipelines.Compose;
using Likeness.Vision.Faces.Detection;
using Likeness.Vision.Faces.Landmarks;
using Likeness.Vision.Pose;
using Likeness.Imaging.Transforms;

namespace Likeness.Cli.Bench;

/// <summary>The benchmark stages, grouped by layer. Each returns results measured in this one run.</summary>
public static class BenchSuites
{
    public static IEnumerable<StageResult> Codecs(RgbaImage photo, int iterations)
    {
        string size = $"{photo.Width}x{photo.Height}";
        foreach (var format in new[] { ImageFormat.Jpeg, ImageFormat.Png, ImageFormat.WebP })
        {
            byte[] encoded = ImageCodec.Encode(photo, format);
            yield return StageTimer.Measure("codecs", $"{format} encode {size}", iterations, () => ImageCodec.Encode(photo, format),
                note: $"{encoded.Length / 1024} KiB");
            yield return StageTimer.Measure("codecs", $"{format} decode {size}", iterations, () => ImageCodec.Decode(encoded));
            // The same work through SkiaSharp, measured beside ours in the same run (issue: adopt Skia's codecs if they match).
            var skiaFormat = format switch { ImageFormat.Jpeg => SkiaSharp.SKEncodedImageFormat.Jpeg, ImageFormat.Png => SkiaSharp.SKEncodedImageFormat.Png, _ => SkiaSharp.SKEncodedImageFormat.Webp };
            using var bitmap = SkiaBitmap(photo);
            yield return StageTimer.Measure("codecs", $"{format} encode {size} (SkiaSharp)", iterations, () => { using var data = bitmap.Encode(skiaFormat, 92); });
            yield return StageTimer.Measure("codecs", $"{format} decode {size} (SkiaSharp)", iterations, () => { using var decoded = SkiaSharp.SKBitmap.Decode(encoded); });
        }
        yield return StageTimer.Measure("codecs", $"resize {size} -> half, ours (area)", iterations, () => photo.Resize(photo.Width / 2, photo.Height / 2, ResizeMethod.Area));
        using var source = SkiaBitmap(photo);
        var half = new SkiaSharp.SKImageInfo(photo.Width / 2, photo.Height / 2, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Unpremul);
        yield return StageTimer.Measure("codecs", $"resize {size} -> half, SkiaSharp (cubic Mitchell)", iterations,
            () => { using var r = source.Resize(half, new SkiaSharp.SKSamplingOptions(SkiaSharp.SKCubicResampler.Mitchell)); });
    }

    static SkiaSharp.SKBitmap SkiaBitmap(RgbaImage photo)
    {
        var bitmap = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(photo.Width, photo.Height, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Unpremul));
        photo.Data.AsSpan().CopyTo(bitmap.GetPixelSpan());
        return bitmap;
    }

    /// <summary>Binding overhead: the managed Run call around ORT's native Run, on YuNet at 640x640.</summary>
    public static async Task<IEnumerable<StageResult>> RuntimeAsync(IModelSessions sessions, RgbaImage photo, int iterations)
    {
        var session = await sessions.GetAsync(YuNetDetector.Model);
        var input = new float[3 * 640 * 640];
        var canvas = Likeness.Imaging.Transforms.Letterbox.Apply(photo, 640, 640, new Rgba32(0, 0, 0), center: false).Image;
        ImageTensor.ToTensor(canvas, input, TensorLayout.Nchw, ChannelOrder.Bgr, TensorNormalization.Raw);
        var tensor = Tensor.FromFloats(input, 1, 3, 640, 640);
        var run = StageTimer.Measure("runtime", "yunet Run() 640x640 (binding vs native)", iterations, () => session.Run(tensor), [session]);
        return [run];
    }

    public static async Task<IEnumerable<StageResult>> FacesAsync(IModelSessions sessions, RgbaImage photo, int iterations)
    {
        var engine = new VisionEngine(sessions);
        var yunet = await sessions.GetAsync(YuNetDetector.Model);
        var mesh = await sessions.GetAsync(FaceMeshLandmarker.Model);
        var embedModel = await sessions.GetAsync(engine.Identity.Settings.Model);
        string size = $"{photo.Width}x{photo.Height}";
        var face = (await engine.Detector.DetectAsync(photo))[0];
        var results = new List<StageResult>
        {
            await StageTimer.MeasureAsync("vision", $"detect (yunet) {size}", iterations, () => engine.Detector.DetectAsync(photo), [yunet]),
            await StageTimer.MeasureAsync("vision", "face mesh (468 points)", iterations, () => engine.Landmarker.DetectAsync(photo, face), [mesh]),
            await StageTimer.MeasureAsync("vision", $"embed ({engine.Identity.Settings.Model}, flip-averaged)", iterations, () => engine.Identity.EmbedFaceAsync(photo, face), [embedModel]),
            await StageTimer.MeasureAsync("vision", $"face analysis = detect + mesh + embed {size}", iterations, async () =>
            {
                var f = (await engine.Detector.DetectAsync(photo))[0];
                await engine.Landmarker.DetectAsync(photo, f);
                await engine.Identity.EmbedFaceAsync(photo, f);
            }, [yunet, mesh, embedModel]),
        };
        var selfie = await sessions.GetAsync("selfie-segmentation");
        results.Add(await StageTimer.MeasureAsync("vision", $"matting fast (selfie) {size}", iterations, () => engine.Matting("fast").MatteAsync(photo), [selfie]));
        var isnet = await sessions.GetAsync("isnet");
        results.Add(await StageTimer.MeasureAsync("vision", $"matting quality (isnet + selfie gate) {size}", Math.Min(iterations, 3), () => engine.Matting("quality").MatteAsync(photo), [isnet, selfie]));
        var movenet = PoseEstimators.Create(sessions, "movenet-lightning");
        var movenetSession = await sessions.GetAsync("movenet-lightning");
        results.Add(await StageTimer.MeasureAsync("vision", "body pose (movenet lightning)", iterations, () => movenet.EstimateAsync(photo), [movenetSession]));
        return results;
    }

    /// <summary>The likeness gate on one 1024x1024 (1 MP) output: quality, faces, identity, view and framing, model time included.</summary>
    public static async Task<IEnumerable<StageResult>> GateAsync(IModelSessions sessions, RgbaImage photo, int iterations)
    {
        var engine = new VisionEngine(sessions);
        var output = photo.Width == 1024 && photo.Height == 1024 ? photo : photo.Resize(1024, 1024);
        var template = Likeness.Vision.Identity.IdentityTemplate.FromEmbeddings(
            [(await engine.Identity.EmbedDominantFaceAsync(output)).Embedding ?? throw new LikenessException("the bench photo has no usable face for the gate")]);
        var gate = new Likeness.Pipelines.Generation.GenerationGate(engine);
        var models = new[] { YuNetDetector.Model, FaceMeshLandmarker.Model, engine.Identity.Settings.Model };
        var tracked = new List<InferenceSession>();
        foreach (var m in models) tracked.Add(await sessions.GetAsync(m));
        var expect = Likeness.Pipelines.Generation.GateExpectation.ForView(Likeness.Vision.Faces.Pose.FaceView.Front);
        Likeness.Pipelines.Generation.GateVerdict? verdict = null;
        var run = await StageTimer.MeasureAsync("gate", "likeness gate, one 1024x1024 output (target <= 150 ms)", iterations,
            async () => verdict = await gate.JudgeAsync(output, expect, template), tracked);
        return [run with { Note = $"checks: {string.Join(", ", verdict!.Findings.Select(f => f.Check))}" }];
    }

    /// <summary>End-to-end compose of a ~1.6 MP person photo into a 1920x1080 scene with the quality matting model.</summary>
    public static async Task<IEnumerable<StageResult>> ComposeAsync(IModelSessions sessions, RgbaImage person, RgbaImage scene, int iterations)
    {
        var engine = new VisionEngine(sessions);
        if (person.Width * person.Height < 1_000_000)
        {
            int side = 1280;
            person = person.Resize(side, side * person.Height / person.Width);
        }
        if (scene.Width != 1920 || scene.Height != 1080) scene = ExportPresets.Cover(scene, 1920, 1080, null);
        var personBytes = new EncodedImage("person.jpg", ImageCodec.Encode(person, ImageFormat.Jpeg));
        var sceneBytes = new EncodedImage("scene.jpg", ImageCodec.Encode(scene, ImageFormat.Jpeg));
        var models = new[] { "isnet", "selfie-segmentation", YuNetDetector.Model, FaceMeshLandmarker.Model, engine.Identity.Settings.Model };
        var tracked = new List<InferenceSession>();
        foreach (var m in models) tracked.Add(await sessions.GetAsync(m));
        var pipeline = new ComposePipeline(engine);
        var runs = Math.Min(iterations, 3);
        var before = tracked.Select(s => s.RunStatistics.ModelTime).ToArray();
        ComposeResult? last = null;
        var all = await StageTimer.MeasureAsync("compose", $"compose {person.Width}x{person.Height} into 1920x1080 (quality matting)", runs,
            async () => last = await pipeline.ComposeAsync(personBytes, sceneBytes, null, new ComposeOptions()), tracked.Take(1).ToList());
        // Where the time outside ISNet goes: the pipeline's own stage clock (last run) and each model's mean run time per compose.
        var perModel = tracked.Select((s, k) => $"{models[k]} {(s.RunStatistics.ModelTime - before[k]).TotalMilliseconds / (runs + 1):0}");
        var stages = string.Join(", ", last!.Report.TimingsMs.Select(t => $"{t.Key} {t.Value:0}"));
        return [all with { Note = $"model ms = ISNet's own run time. Stages: {stages}. Models per compose (ms): {string.Join(", ", perModel)}" }];
    }
}
