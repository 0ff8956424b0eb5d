using System.Diagnostics;
using Likeness.Imaging;
using Likeness.Imaging.Tensors;
using Likeness.Imaging.Transforms;
using Likeness.Inference;
using Likeness.Models;
using Microsoft.Extensions.Logging;

namespace Likeness.Vision.Matting;

/// <summary>
/// ISNet as shipped by @imgly/background-removal (AGPL-3.0): the photo stretched to 1024x1024 (imgly resizes
/// without keeping aspect, as the model was trained), RGB as (x - 128) / 256, NCHW; output <c>output</c> is the
/// alpha over the same stretched square. It is brought back to the photo by guided upsampling.
/// ISNet finds salient objects, not specifically people, so by default MediaPipe selfie segmentation (a few ms)
/// vetoes matte regions without a person in them. <paramref name="quantized"/> selects the int8 model (half the size).
/// </summary>
public sealed class IsNetMatting(IModelSessions sessions, bool quantized = false, ILogger? logger = null) : IMatting
{
    public const string Model = "isnet";
    public const string QuantizedModel = "isnet-int8";
    public const int InputSize = 1024;
    const string OutputName = "output";

    /// <summary>(x * 1/256 - 0.5) / 1 = (x - 128) / 256.</summary>
    static readonly TensorNormalization Normalization = new(1f / 256f, [0.5f, 0.5f, 0.5f], [1f, 1f, 1f]);

    /// <summary>Guided upsampling window radius in 1024-grid pixels and eps (0..1 luminance scale).</summary>
    public int GuidedRadius { get; init; } = 2;
    public float GuidedEps { get; init; } = 1e-4f;

    /// <summary>
    /// Drop matte regions the selfie-segmentation model finds no person in. When that model cannot be had, matting
    /// goes on without the gate and logs a warning.
    /// </summary>
    public bool KeepOnlyPeople { get; init; } = true;

    public string ModelName => quantized ? QuantizedModel : Model;

    public async Task<MattingResult> MatteAsync(RgbaImage image, CancellationToken ct = default) =>
        (await MatteKeepingModelOutputAsync(image, ct)).Result;

    /// <summary>The result plus the 1024x1024 matte it was upsampled from (after the person gate).</summary>
    internal async Task<(MattingResult Result, FloatPlane Matte)> MatteKeepingModelOutputAsync(RgbaImage image, CancellationToken ct)
    {
        var (matte, pre, model) = await PredictMatteAsync(image, ct);
        FloatPlane? person = null;
        if (KeepOnlyPeople)
        {
            try
            {
                (person, var personPre, var personModel) = await new SelfieSegmentationMatting(sessions).PredictPersonAsync(image, ct);
                pre += personPre;
                model += personModel;
            }
            catch (ModelUnavailableException e)
            {
                logger?.LogWarning("ISNet matting runs without its person gate, so objects other than people may be cut out too. {Reason}", e.Message);
            }
        }
        long start = Stopwatch.GetTimestamp();
        if (person is not null) PersonGate.DropRegionsWithoutPeople(matte, person);
        var alpha = MatteUpsampling.ToImageSize(image, matte, GuidedRadius, GuidedEps);
        var result = MattingResult.Create(image, alpha, ModelName);
        result.Timings = new StageTimings(pre, model, Stopwatch.GetElapsedTime(start));
        return (result, matte);
    }

    /// <summary>The model's 1024x1024 alpha over the stretched photo, before upsampling.</summary>
    async Task<(FloatPlane Matte, TimeSpan Preprocess, TimeSpan Model)> PredictMatteAsync(RgbaImage image, CancellationToken ct)
    {
        var session = await sessions.GetAsync(ModelName, ct);
        ct.ThrowIfCancellationRequested();

        long start = Stopwatch.GetTimestamp();
        var input = new float[3 * InputSize * InputSize];
        image.ResizeToTensor(InputSize, InputSize, input, Normalization, ResizeMethod.Area);
        var pre = Stopwatch.GetElapsedTime(start);

        // Only the final alpha: the side outputs would copy ~80 MB more per run.
        var output = session.Run([new NamedTensor(session.Inputs[0].Name, Tensor.FromFloats(input, 1, 3, InputSize, InputSize))], [OutputName]);
        var model = Stopwatch.GetElapsedTime(start) - pre;
        ct.ThrowIfCancellationRequested();
        return (new FloatPlane(InputSize, InputSize, output[0].Value.AsFloats()), pre, model);
    }
}
