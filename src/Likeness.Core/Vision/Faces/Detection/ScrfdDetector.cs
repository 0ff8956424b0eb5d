using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Tensors;
using Likeness.Imaging.Transforms;
using Likeness.Inference;

namespace Likeness.Vision.Faces.Detection;

/// <summary>
/// SCRFD-500M with keypoints (InsightFace). Its weights are for NON-COMMERCIAL research only, so
/// <see cref="FaceDetectors"/> never picks it unless asked by name. Fixed 640x640 input, RGB,
/// (x - 127.5) / 128, aspect kept and pasted top-left. Per stride 8/16/32 and 2 anchors per cell:
/// a sigmoid score, box edges and keypoints as distances from the cell's corner in stride units.
/// </summary>
public sealed class ScrfdDetector(IModelSessions sessions) : IFaceDetector
{
    public const string Model = "scrfd-500m";
    const int InputSize = 640, AnchorsPerCell = 2;
    static readonly int[] Strides = [8, 16, 32];
    static readonly TensorNormalization Normalization = new(1f, [127.5f, 127.5f, 127.5f], [128f, 128f, 128f]);

    public string ModelName => Model;

    public async Task<IReadOnlyList<DetectedFace>> DetectAsync(RgbaImage image, FaceDetectionOptions? options = null, CancellationToken ct = default)
    {
        options ??= FaceDetectionOptions.Default;
        var session = await sessions.GetAsync(Model, ct);
        ct.ThrowIfCancellationRequested();

        var (canvas, map) = Letterbox.Apply(image, InputSize, InputSize, new Rgba32(0, 0, 0), center: false, ResizeMethod.Area);
        var input = ImageTensor.ToTensor(canvas, TensorLayout.Nchw, ChannelOrder.Rgb, Normalization);
        var outputs = session.Run(Tensor.FromFloats(input, 1, 3, InputSize, InputSize)).ToDictionary(o => o.Name, o => o.Value.AsFloats());

        var faces = new List<DetectedFace>();
        foreach (var stride in Strides)
            Decode(outputs, stride, options.ScoreThreshold, map, image.Width, image.Height, faces);
        return NonMaxSuppression.Finish(faces, options);
    }

    static void Decode(Dictionary<string, float[]> outputs, int stride, float threshold, LetterboxMapping map,
        int imageW, int imageH, List<DetectedFace> faces)
    {
        var scores = outputs[$"score_{stride}"];
        var boxes = outputs[$"bbox_{stride}"];
        var kps = outputs[$"kps_{stride}"];
        int cols = InputSize / stride;
        for (int i = 0; i < scores.Length; i++)
        {
            if (scores[i] < threshold) continue;
            int cell = i / AnchorsPerCell;
            float ax = cell % cols * stride, ay = cell / cols * stride;
            var topLeft = map.ToSource(new Vector2(ax - boxes[i * 4] * stride, ay - boxes[i * 4 + 1] * stride));
            var bottomRight = map.ToSource(new Vector2(ax + boxes[i * 4 + 2] * stride, ay + boxes[i * 4 + 3] * stride));
            var box = BoxF.FromEdges(
                Math.Clamp(topLeft.X, 0, imageW), Math.Clamp(topLeft.Y, 0, imageH),
                Math.Clamp(bottomRight.X, 0, imageW), Math.Clamp(bottomRight.Y, 0, imageH));
            var points = new Vector2[DetectedFace.KeypointCount];
            for (int k = 0; k < points.Length; k++)
                points[k] = map.ToSource(new Vector2(ax + kps[i * 10 + 2 * k] * stride, ay + kps[i * 10 + 2 * k + 1] * stride));
            faces.Add(new DetectedFace(box, scores[i], points));
        }
    }
}
