using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Tensors;
using Likeness.Imaging.Transforms;
using Likeness.Inference;

namespace Likeness.Vision.Faces.Detection;

/// <summary>
/// YuNet (libfacedetection, Apache-2.0), dynamic-input variant. Input BGR 0..255 NCHW, no normalisation;
/// the image is scaled so its long side fits <see cref="FaceDetectionOptions.MaxInputSide"/> and padded
/// at the right/bottom to a multiple of 32. Outputs per stride 8/16/32: cls, obj, bbox (dx, dy, log w, log h
/// in stride units) and kps (5 points in stride units), decoded as OpenCV's FaceDetectorYN does.
/// </summary>
public sealed class YuNetDetector(IModelSessions sessions) : IFaceDetector
{
    public const string Model = "yunet";
    static readonly int[] Strides = [8, 16, 32];

    public string ModelName => Model;

    public async Task<IReadOnlyList<DetectedFace>> DetectAsync(RgbaImage image, FaceDetectionOptions? options = null, CancellationToken ct = default)
    {
        options ??= FaceDetectionOptions.Default;
        var session = await sessions.GetAsync(Model, ct);
        ct.ThrowIfCancellationRequested();

        double scale = Math.Min(1.0, (double)options.MaxInputSide / Math.Max(image.Width, image.Height));
        int w = Math.Max(1, (int)Math.Round(image.Width * scale)), h = Math.Max(1, (int)Math.Round(image.Height * scale));
        int padW = (w + 31) / 32 * 32, padH = (h + 31) / 32 * 32;
        var resized = w == image.Width && h == image.Height ? image : image.Resize(w, h, ResizeMethod.Area);

        var input = new float[3 * padW * padH];
        var canvas = resized.Width == padW && resized.Height == padH ? resized : Geometry.Pad(resized, 0, 0, padW - w, padH - h, new Rgba32(0, 0, 0));
        ImageTensor.ToTensor(canvas, input, TensorLayout.Nchw, ChannelOrder.Bgr, TensorNormalization.Raw);

        var outputs = session.Run(Tensor.FromFloats(input, 1, 3, padH, padW)).ToDictionary(o => o.Name, o => o.Value.AsFloats());
        var faces = new List<DetectedFace>();
        float sx = (float)w / image.Width, sy = (float)h / image.Height;
        foreach (var stride in Strides)
            Decode(outputs, stride, padW / stride, padH / stride, options.ScoreThreshold, sx, sy, image.Width, image.Height, faces);
        return NonMaxSuppression.Finish(faces, options);
    }

    static void Decode(Dictionary<string, float[]> outputs, int stride, int cols, int rows, float threshold,
        float sx, float sy, int imageW, int imageH, List<DetectedFace> faces)
    {
        var cls = outputs[$"cls_{stride}"];
        var obj = outputs[$"obj_{stride}"];
        var bbox = outputs[$"bbox_{stride}"];
        var kps = outputs[$"kps_{stride}"];
        for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
        {
            int i = r * cols + c;
            float score = MathF.Sqrt(Math.Clamp(cls[i], 0, 1) * Math.Clamp(obj[i], 0, 1));
            if (score < threshold) continue;
            float cx = (c + bbox[i * 4]) * stride, cy = (r + bbox[i * 4 + 1]) * stride;
            float bw = MathF.Exp(bbox[i * 4 + 2]) * stride, bh = MathF.Exp(bbox[i * 4 + 3]) * stride;
            var box = BoxF.FromEdges(
                Math.Clamp((cx - bw / 2) / sx, 0, imageW), Math.Clamp((cy - bh / 2) / sy, 0, imageH),
                Math.Clamp((cx + bw / 2) / sx, 0, imageW), Math.Clamp((cy + bh / 2) / sy, 0, imageH));
            var points = new Vector2[5];
            for (int k = 0; k < 5; k++)
                points[k] = new Vector2((kps[i * 10 + 2 * k] + c) * stride / sx, (kps[i * 10 + 2 * k + 1] + r) * stride / sy);
            faces.Add(new DetectedFace(box, score, points));
        }
    }
}
