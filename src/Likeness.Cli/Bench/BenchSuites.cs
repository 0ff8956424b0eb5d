using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Tensors;
using Likeness.Inference;
using Likeness.Vision.Faces.Detection;

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
        }
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
        var detector = new YuNetDetector(sessions);
        var yunet = await sessions.GetAsync(YuNetDetector.Model);
        var detect = await StageTimer.MeasureAsync("vision", $"detect (yunet) {photo.Width}x{photo.Height}", iterations,
            () => detector.DetectAsync(photo), [yunet]);
        return [detect];
    }
}
