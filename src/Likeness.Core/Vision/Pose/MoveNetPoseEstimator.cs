using Likeness.Imaging;
using Likeness.Imaging.Transforms;
using Likeness.Inference;

namespace Likeness.Vision.Pose;

public enum MoveNetVariant
{
    /// <summary>192x192 input: fast, the default.</summary>
    Lightning,
    /// <summary>256x256 input: more accurate, about 3x slower.</summary>
    Thunder,
}

/// <summary>
/// MoveNet single-pose (Google, Apache-2.0; ONNX converted from the TFJS graphs). Input INT32 [1,S,S,3] NHWC RGB
/// 0..255 with S = 192 (lightning) or 256 (thunder); the photo is letterboxed keeping its aspect. Output
/// <c>Identity</c> [1,1,17,3] holds (y, x, score) per COCO keypoint, normalised to the padded square.
/// </summary>
public sealed class MoveNetPoseEstimator(IModelSessions sessions, MoveNetVariant variant = MoveNetVariant.Lightning) : IPoseEstimator
{
    public const string LightningModel = "movenet-lightning";
    public const string ThunderModel = "movenet-thunder";

    public string ModelName => variant == MoveNetVariant.Thunder ? ThunderModel : LightningModel;
    public int InputSize => variant == MoveNetVariant.Thunder ? 256 : 192;

    public async Task<BodyPose> EstimateAsync(RgbaImage image, CancellationToken ct = default)
    {
        var session = await sessions.GetAsync(ModelName, ct);
        ct.ThrowIfCancellationRequested();

        int size = InputSize;
        // Bilinear without antialiasing, like tf.image.resize_with_pad in the reference pipeline (area averaging cost
        // as much as the lightning model itself on large photos).
        var (canvas, map) = Letterbox.Apply(image, size, size, new Rgba32(0, 0, 0), method: ResizeMethod.Bilinear);
        var input = new int[size * size * 3];
        var pixels = canvas.Data;
        for (int p = 0, i = 0; i < input.Length; p += 4, i += 3)
        {
            input[i] = pixels[p];
            input[i + 1] = pixels[p + 1];
            input[i + 2] = pixels[p + 2];
        }

        var output = session.Run(Tensor.FromInt32(input, 1, size, size, 3))[0].Value.AsFloats();
        var keypoints = new PoseKeypoint[BodyPose.KeypointCount];
        for (int k = 0; k < keypoints.Length; k++)
        {
            // Normalised positions are continuous coordinates on the canvas; the pose uses pixel centres.
            var source = map.ToSource(new(output[3 * k + 1] * size, output[3 * k] * size));
            keypoints[k] = new PoseKeypoint(source.X - 0.5f, source.Y - 0.5f, output[3 * k + 2]);
        }
        return new BodyPose(keypoints, ModelName);
    }
}
