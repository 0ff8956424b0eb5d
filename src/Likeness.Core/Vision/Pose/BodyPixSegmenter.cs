using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Likeness.Imaging;
using Likeness.Imaging.Internal;
using Likeness.Imaging.Tensors;
using Likeness.Imaging.Transforms;
using Likeness.Inference;

namespace Likeness.Vision.Pose;

/// <summary>
/// BodyPix 2 (Google, Apache-2.0), MobileNetV1 x0.50, output stride 16. Input f32 [1,H,W,3] NHWC RGB as x/127.5 - 1,
/// H and W of the form 16k + 1 so that output cell (i, j) sits exactly on input pixel (16i, 16j). The photo is scaled
/// to <see cref="InputLongSide"/> keeping aspect and padded at the right and bottom. Outputs used: <c>heatmaps</c>
/// (17 keypoint logits), <c>short_offsets</c> (17 y then 17 x offsets in input pixels), <c>displacement_fwd/bwd</c>
/// (16 y then 16 x vectors along the skeleton), <c>segments</c> (person logit) and <c>part_heatmaps</c> (24 part
/// logits). Also a single-person <see cref="IPoseEstimator"/>: see <see cref="BodyPixPoseDecoder"/>.
/// </summary>
public sealed class BodyPixSegmenter(IModelSessions sessions) : IPoseEstimator
{
    public const string Model = "bodypix";
    public const int OutputStride = 16;
    const int Parts = BodyPartMap.PartCount;

    /// <summary>Longer input side in pixels; rounded up to 16k + 1. Larger finds smaller people at quadratic cost.</summary>
    public int InputLongSide { get; init; } = 513;

    public string ModelName => Model;

    public async Task<BodyPose> EstimateAsync(RgbaImage image, CancellationToken ct = default)
    {
        var run = await RunAsync(image, ct, withSegmentation: false);
        return DecodePose(run);
    }

    public async Task<BodyPixResult> SegmentAsync(RgbaImage image, CancellationToken ct = default)
    {
        var run = await RunAsync(image, ct, withSegmentation: true);
        // Masks and labels are worked out at input resolution (at most InputLongSide squared), then enlarged.
        var logits = new FloatPlane(run.Cols, run.Rows, run.Segments!)
            .WarpAffine(AffineTransform.Scaling(OutputStride, OutputStride), run.ContentWidth, run.ContentHeight, BorderMode.Replicate);
        var parts = PartLabels(run, logits);
        TensorPrimitives.Sigmoid(logits.Data, logits.Data);
        var mask = logits.Width == image.Width && logits.Height == image.Height ? logits : logits.Resize(image.Width, image.Height);
        return new BodyPixResult(mask, Enlarge(parts, logits.Width, mask, run), DecodePose(run));
    }

    /// <summary>Model outputs over a grid of Rows x Cols cells; Scale maps photo pixels to input pixels.</summary>
    internal sealed record Outputs(int Rows, int Cols, float ScaleX, float ScaleY, int ContentWidth, int ContentHeight,
        float[] Heatmaps, float[] Offsets, float[] DisplacementsForward, float[] DisplacementsBackward, float[]? Segments, float[]? PartLogits);

    async Task<Outputs> RunAsync(RgbaImage image, CancellationToken ct, bool withSegmentation)
    {
        var session = await sessions.GetAsync(Model, ct);
        ct.ThrowIfCancellationRequested();

        double scale = (double)(InputLongSide - 1) / Math.Max(image.Width, image.Height);
        int w = Math.Max(1, (int)Math.Round(image.Width * scale)), h = Math.Max(1, (int)Math.Round(image.Height * scale));
        int inW = StrideAligned(w), inH = StrideAligned(h);
        // Area averaging: with plain bilinear (as TF.js does) joints of the coarse stride-16 model jumped more between a photo and its mirror image.
        var content = image.Resize(w, h, ResizeMethod.Area);
        var canvas = content.CropPadded(new Rect(0, 0, inW, inH), new Rgba32(0, 0, 0));
        var input = ImageTensor.ToTensor(canvas, TensorLayout.Nhwc, ChannelOrder.Rgb, TensorNormalization.MinusOneToOne);

        string[] names = withSegmentation
            ? ["heatmaps", "short_offsets", "displacement_fwd", "displacement_bwd", "segments", "part_heatmaps"]
            : ["heatmaps", "short_offsets", "displacement_fwd", "displacement_bwd"];
        var outputs = session.Run([new NamedTensor(session.Inputs[0].Name, Tensor.FromFloats(input, 1, inH, inW, 3))], names);
        int rows = (int)outputs[0].Value.Shape[1], cols = (int)outputs[0].Value.Shape[2];
        return new Outputs(rows, cols, (float)w / image.Width, (float)h / image.Height, w, h,
            outputs[0].Value.AsFloats(), outputs[1].Value.AsFloats(), outputs[2].Value.AsFloats(), outputs[3].Value.AsFloats(),
            withSegmentation ? outputs[4].Value.AsFloats() : null, withSegmentation ? outputs[5].Value.AsFloats() : null);
    }

    static int StrideAligned(int size) => (size - 1 + OutputStride - 1) / OutputStride * OutputStride + 1;

    static BodyPose DecodePose(Outputs o)
    {
        var keypoints = BodyPixPoseDecoder.MainPerson(o);
        for (int k = 0; k < keypoints.Length; k++)
        {
            var p = keypoints[k];
            keypoints[k] = p with { X = (p.X + 0.5f) / o.ScaleX - 0.5f, Y = (p.Y + 0.5f) / o.ScaleY - 0.5f };
        }
        return new BodyPose(keypoints, Model);
    }

    /// <summary>
    /// The 24 part logits interpolated and compared per input pixel, only where the person logit at that pixel
    /// (<paramref name="personLogits"/>, input resolution) makes a person plausible.
    /// </summary>
    static byte[] PartLabels(Outputs o, FloatPlane personLogits)
    {
        const float MinPersonLogit = -2f; // probability 0.12: a margin around the 0.5 outline used later
        int cw = o.ContentWidth, ch = o.ContentHeight;
        var labels = new byte[cw * ch];
        Array.Fill(labels, BodyPartMap.Background);
        var scores = new float[Parts];
        for (int v = 0; v < ch; v++)
        {
            float cy = Math.Min((float)v / OutputStride, o.Rows - 1);
            int y0 = (int)cy, y1 = Math.Min(y0 + 1, o.Rows - 1);
            float fy = cy - y0;
            var person = personLogits.Row(v);
            for (int u = 0; u < cw; u++)
            {
                if (person[u] < MinPersonLogit) continue;
                float cx = Math.Min((float)u / OutputStride, o.Cols - 1);
                int x0 = (int)cx, x1 = Math.Min(x0 + 1, o.Cols - 1);
                float fx = cx - x0;
                Blend(o.PartLogits!, (y0 * o.Cols + x0) * Parts, (y0 * o.Cols + x1) * Parts, (y1 * o.Cols + x0) * Parts, (y1 * o.Cols + x1) * Parts, fx, fy, scores);
                labels[v * cw + u] = (byte)ArgMax(scores);
            }
        }
        return labels;
    }

    /// <summary>Nearest input-resolution label for every photo pixel the person mask holds.</summary>
    static BodyPartMap Enlarge(byte[] small, int smallWidth, FloatPlane mask, Outputs o)
    {
        int w = mask.Width, h = mask.Height, smallHeight = small.Length / smallWidth;
        var labels = new byte[w * h];
        ParallelRows.For(h, (long)w * h, (first, end) =>
        {
            for (int y = first; y < end; y++)
            {
                int v = Math.Clamp((int)((y + 0.5f) * o.ScaleY), 0, smallHeight - 1);
                var m = mask.Row(y);
                var row = labels.AsSpan(y * w, w);
                for (int x = 0; x < row.Length; x++)
                    row[x] = m[x] >= 0.5f ? small[v * smallWidth + Math.Min((int)((x + 0.5f) * o.ScaleX), smallWidth - 1)] : BodyPartMap.Background;
            }
        });
        return new BodyPartMap(w, h, labels);
    }

    static void Blend(float[] logits, int a, int b, int c, int d, float fx, float fy, Span<float> result)
    {
        float wa = (1 - fx) * (1 - fy), wb = fx * (1 - fy), wc = (1 - fx) * fy, wd = fx * fy;
        for (int p = 0; p < result.Length; p++)
            result[p] = logits[a + p] * wa + logits[b + p] * wb + logits[c + p] * wc + logits[d + p] * wd;
    }

    static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    internal static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}
