using System.Diagnostics;
using Likeness.Imaging;
using Likeness.Imaging.Tensors;
using Likeness.Imaging.Transforms;
using Likeness.Inference;

namespace Likeness.Vision.Matting;

/// <summary>
/// MediaPipe selfie segmentation, landscape model (Apache-2.0): input [1,144,256,3] NHWC RGB in 0..1; the photo is
/// letterboxed keeping its aspect. The single output <c>segment_back</c> is the PERSON probability despite its name.
/// Its content area is cut out of the 256x144 grid, firmed up and guided-upsampled to the photo. Fast, but the
/// matte is coarse (hair and fingers come out rounded) and its edges stay softer than ISNet's.
/// </summary>
public sealed class SelfieSegmentationMatting(IModelSessions sessions) : IMatting
{
    public const string Model = "selfie-segmentation";
    public const int InputWidth = 256, InputHeight = 144;

    /// <summary>Guided upsampling window radius in model-grid pixels and eps (0..1 luminance scale).</summary>
    public int GuidedRadius { get; init; } = 1;
    public float GuidedEps { get; init; } = 1e-3f;

    /// <summary>
    /// The model's probabilities fade over several grid cells; they are stretched about 0.5 by this gain before
    /// upsampling (3 maps 0.33..0.67 to 0..1), which keeps the background clean without moving the outline.
    /// </summary>
    public float Contrast { get; init; } = 3f;

    public string ModelName => Model;

    public async Task<MattingResult> MatteAsync(RgbaImage image, CancellationToken ct = default)
    {
        var (matte, pre, model) = await PredictPersonAsync(image, ct);
        long start = Stopwatch.GetTimestamp();
        MatteUpsampling.Contrast(matte, Contrast);
        var alpha = MatteUpsampling.ToImageSize(image, matte, GuidedRadius, GuidedEps);
        var result = MattingResult.Create(image, alpha, Model);
        result.Timings = new StageTimings(pre, model, Stopwatch.GetElapsedTime(start));
        return result;
    }

    /// <summary>Person probability over the photo (the letterbox content area only), at the model's grid resolution.</summary>
    internal async Task<(FloatPlane Probability, TimeSpan Preprocess, TimeSpan Model)> PredictPersonAsync(RgbaImage image, CancellationToken ct)
    {
        var session = await sessions.GetAsync(Model, ct);
        ct.ThrowIfCancellationRequested();

        long start = Stopwatch.GetTimestamp();
        var (canvas, map) = Letterbox.Apply(image, InputWidth, InputHeight, new Rgba32(0, 0, 0), method: ResizeMethod.Area);
        var input = ImageTensor.ToTensor(canvas, TensorLayout.Nhwc, ChannelOrder.Rgb, TensorNormalization.ZeroToOne);
        var pre = Stopwatch.GetElapsedTime(start);

        var output = session.Run(Tensor.FromFloats(input, 1, InputHeight, InputWidth, 3));
        var model = Stopwatch.GetElapsedTime(start) - pre;
        ct.ThrowIfCancellationRequested();

        var grid = new FloatPlane(InputWidth, InputHeight, output[0].Value.AsFloats());
        return (grid.Crop(map.Content), pre, model);
    }
}
