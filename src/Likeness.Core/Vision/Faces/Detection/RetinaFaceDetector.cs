using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Tensors;
using Likeness.Imaging.Transforms;
using Likeness.Inference;

namespace Likeness.Vision.Faces.Detection;

/// <summary>
/// RetinaFace with a MobileNet-0.25 backbone (biubug6 Pytorch_Retinaface layout), fixed 640x640 input,
/// BGR minus (104, 117, 123). Outputs per prior: box offsets, softmaxed (background, face) scores and
/// 5 landmark offsets, decoded against SSD-style priors with variances 0.1 / 0.2.
/// By default the photo is letterboxed (aspect kept, pasted top-left); <paramref name="keepAspect"/> = false
/// stretches it to 640x640 as the model's source did.
/// </summary>
public sealed class RetinaFaceDetector(IModelSessions sessions, bool keepAspect = true) : IFaceDetector
{
    public const string Model = "retinaface-mnet025";
    const int InputSize = 640;
    static readonly int[] Steps = [8, 16, 32];
    static readonly int[][] MinSizes = [[16, 32], [64, 128], [256, 512]];
    static readonly Lazy<float[]> Priors = new(BuildPriors);
    // Padding with the mean colour makes the letterbox border exactly zero after normalisation.
    static readonly Rgba32 MeanColour = new(123, 117, 104);
    static readonly TensorNormalization Normalization = new(1f, [123f, 117f, 104f], [1f, 1f, 1f]);

    public string ModelName => Model;

    public async Task<IReadOnlyList<DetectedFace>> DetectAsync(RgbaImage image, FaceDetectionOptions? options = null, CancellationToken ct = default)
    {
        options ??= FaceDetectionOptions.Default;
        var session = await sessions.GetAsync(Model, ct);
        ct.ThrowIfCancellationRequested();

        RgbaImage canvas;
        LetterboxMapping map;
        if (keepAspect)
            (canvas, map) = Letterbox.Apply(image, InputSize, InputSize, MeanColour, center: false, ResizeMethod.Area);
        else
        {
            canvas = image.Resize(InputSize, InputSize, ResizeMethod.Area);
            map = new LetterboxMapping((float)InputSize / image.Width, (float)InputSize / image.Height, 0, 0, InputSize, InputSize);
        }
        var input = ImageTensor.ToTensor(canvas, TensorLayout.Nchw, ChannelOrder.Bgr, Normalization);
        var outputs = session.Run(Tensor.FromFloats(input, 1, 3, InputSize, InputSize));

        // Output names are graph-generated numbers, so tell them apart by their last dimension.
        float[] Output(int lastDim) => outputs.First(o => o.Value.Shape[^1] == lastDim).Value.AsFloats();
        var loc = Output(4);
        var conf = Output(2);
        var landmarks = Output(10);
        var priors = Priors.Value;

        var faces = new List<DetectedFace>();
        int count = priors.Length / 4;
        for (int i = 0; i < count; i++)
        {
            float score = conf[i * 2 + 1];
            if (score < options.ScoreThreshold) continue;
            float px = priors[i * 4], py = priors[i * 4 + 1], pw = priors[i * 4 + 2], ph = priors[i * 4 + 3];
            float cx = px + loc[i * 4] * 0.1f * pw, cy = py + loc[i * 4 + 1] * 0.1f * ph;
            float w = pw * MathF.Exp(loc[i * 4 + 2] * 0.2f), h = ph * MathF.Exp(loc[i * 4 + 3] * 0.2f);
            var topLeft = map.ToSource(new Vector2(cx - w / 2, cy - h / 2) * InputSize);
            var bottomRight = map.ToSource(new Vector2(cx + w / 2, cy + h / 2) * InputSize);
            var box = BoxF.FromEdges(
                Math.Clamp(topLeft.X, 0, image.Width), Math.Clamp(topLeft.Y, 0, image.Height),
                Math.Clamp(bottomRight.X, 0, image.Width), Math.Clamp(bottomRight.Y, 0, image.Height));
            var points = new Vector2[DetectedFace.KeypointCount];
            for (int k = 0; k < points.Length; k++)
            {
                var p = new Vector2(px + landmarks[i * 10 + 2 * k] * 0.1f * pw, py + landmarks[i * 10 + 2 * k + 1] * 0.1f * ph);
                points[k] = map.ToSource(p * InputSize);
            }
            faces.Add(new DetectedFace(box, score, points));
        }
        return NonMaxSuppression.Finish(faces, options);
    }

    /// <summary>(cx, cy, w, h) per prior, normalised to the input; rows, then columns, then the step's sizes.</summary>
    static float[] BuildPriors()
    {
        var priors = new List<float>();
        for (int s = 0; s < Steps.Length; s++)
        {
            int step = Steps[s], cells = (InputSize + step - 1) / step;
            for (int r = 0; r < cells; r++)
            for (int c = 0; c < cells; c++)
            foreach (var size in MinSizes[s])
                priors.AddRange([(c + 0.5f) * step / InputSize, (r + 0.5f) * step / InputSize, (float)size / InputSize, (float)size / InputSize]);
        }
        return priors.ToArray();
    }
}
