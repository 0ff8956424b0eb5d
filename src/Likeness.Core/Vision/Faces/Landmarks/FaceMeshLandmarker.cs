using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Tensors;
using Likeness.Imaging.Transforms;
using Likeness.Inference;

namespace Likeness.Vision.Faces.Landmarks;

/// <summary>
/// MediaPipe Face Mesh (Apache-2.0): 468 points with relative depth. The face is cut out as a square
/// <see cref="FaceMeshOptions.CropScale"/> times the detector box, turned upright along the eye line from
/// the detector's keypoints (the model was trained on upright faces), and given as RGB 0..1 at 192x192.
/// Output conv2d_20 holds 468 x (x, y, z) in 192-px crop units, conv2d_30 a face-presence logit.
/// </summary>
public sealed class FaceMeshLandmarker(IModelSessions sessions, FaceMeshOptions? options = null) : IFaceLandmarker
{
    public const string Model = "face-mesh";
    const int InputSize = 192;
    const string LandmarkOutput = "conv2d_20", PresenceOutput = "conv2d_30";
    static readonly float RollSettled = 5 * MathF.PI / 180;

    readonly FaceMeshOptions _options = options ?? new FaceMeshOptions();

    public string ModelName => Model;
    public LandmarkLayout Layout => LandmarkLayout.Mesh468;

    public async Task<FaceLandmarks> DetectAsync(RgbaImage image, DetectedFace face, CancellationToken ct = default)
    {
        var session = await sessions.GetAsync(Model, ct);
        ct.ThrowIfCancellationRequested();

        var eyes = face.RightEye - face.LeftEye;
        float angle = _options.RotateUpright ? MathF.Atan2(eyes.Y, eyes.X) : 0;
        var box = face.Box;
        var result = Run(session, image, new Vector2(box.CenterX, box.CenterY), MathF.Max(box.Width, box.Height) * _options.CropScale, angle);
        for (int pass = 1; pass < Math.Max(_options.Passes, _options.MaxPasses); pass++)
        {
            // As MediaPipe tracks: the next crop is the mesh's own upright bounds, scaled the same way.
            var (center, size, roll) = UprightBounds(result);
            if (!_options.RotateUpright) roll = 0;
            // The detector's eye line lags behind strong roll (YuNet reads a 45-degree tilt as 10), so keep
            // re-cropping while the mesh still finds the crop tilted.
            if (pass >= _options.Passes && MathF.Abs(roll - angle) < RollSettled) break;
            ct.ThrowIfCancellationRequested();
            angle = roll;
            result = Run(session, image, center, size * _options.CropScale, angle);
        }
        return result;
    }

    FaceLandmarks Run(InferenceSession session, RgbaImage image, Vector2 center, float size, float angle)
    {
        var imageToCrop = AffineTransform.Translation(-center.X, -center.Y)
            .Then(AffineTransform.Rotation(-angle))
            .Then(AffineTransform.Scaling(InputSize / size, InputSize / size))
            .Then(AffineTransform.Translation(InputSize / 2.0, InputSize / 2.0));
        var crop = CropWarp.Extract(image, imageToCrop, InputSize, InputSize);

        var input = new float[3 * InputSize * InputSize];
        ImageTensor.ToTensor(crop, input, TensorLayout.Nchw, ChannelOrder.Rgb, TensorNormalization.ZeroToOne);
        var outputs = session.Run([new NamedTensor(session.Inputs[0].Name, Tensor.FromFloats(input, 1, 3, InputSize, InputSize))],
            [LandmarkOutput, PresenceOutput]);
        var raw = outputs[0].Value.AsFloats();
        float presence = 1 / (1 + MathF.Exp(-outputs[1].Value.AsFloats()[0]));

        var cropToImage = imageToCrop.Invert();
        float depthScale = size / InputSize;
        var points = new Vector3[LandmarkLayout.Mesh468.PointCount];
        for (int i = 0; i < points.Length; i++)
        {
            var p = cropToImage.Apply(new Vector2(raw[3 * i], raw[3 * i + 1]));
            points[i] = new Vector3(p, raw[3 * i + 2] * depthScale);
        }
        return new FaceLandmarks(LandmarkLayout.Mesh468, points, presence);
    }

    static (Vector2 Center, float Size, float Roll) UprightBounds(FaceLandmarks mesh)
    {
        var eyes = mesh.RightEyeCenter - mesh.LeftEyeCenter;
        float roll = MathF.Atan2(eyes.Y, eyes.X);
        var toUpright = Matrix3x2.CreateRotation(-roll);
        float minX = float.MaxValue, minY = float.MaxValue, maxX = float.MinValue, maxY = float.MinValue;
        for (int i = 0; i < mesh.Count; i++)
        {
            var p = Vector2.Transform(mesh[i], toUpright);
            minX = MathF.Min(minX, p.X); maxX = MathF.Max(maxX, p.X);
            minY = MathF.Min(minY, p.Y); maxY = MathF.Max(maxY, p.Y);
        }
        var center = Vector2.Transform(new Vector2((minX + maxX) / 2, (minY + maxY) / 2), Matrix3x2.CreateRotation(roll));
        return (center, MathF.Max(maxX - minX, maxY - minY), roll);
    }
}

public sealed record FaceMeshOptions
{
    /// <summary>Side of the square crop as a multiple of the detector box's longer side (MediaPipe uses 1.5).</summary>
    public float CropScale { get; init; } = 1.5f;
    /// <summary>Turn the crop so the eye line is level before the model sees it.</summary>
    public bool RotateUpright { get; init; } = true;
    /// <summary>1 = crop from the detector box; 2 = crop again from the first mesh's bounds, as MediaPipe does when tracking.</summary>
    public int Passes { get; init; } = 2;
    /// <summary>Further passes, up to this many in all, run while the crop's tilt is more than 5 degrees off the mesh's eye line.</summary>
    public int MaxPasses { get; init; } = 4;
}
