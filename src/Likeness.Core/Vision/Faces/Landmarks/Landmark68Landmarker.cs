using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Color;
using Likeness.Imaging.Transforms;
using Likeness.Inference;

namespace Likeness.Vision.Faces.Landmarks;

/// <summary>
/// The 68-point fallback (faceplugin's fr_landmark, iBUG order, no depth). Input: the detector box
/// enlarged <see cref="CropScale"/> times, stretched to 64x64 grey (luma / 256). Output: 68 (x, y)
/// as fractions of that crop.
/// </summary>
public sealed class Landmark68Landmarker(IModelSessions sessions) : IFaceLandmarker
{
    public const string Model = "landmark68";
    const int InputSize = 64;
    /// <summary>Crop side over detector box side. The outputs are fractions of the crop (mapping them to the box doubles the error); 1.0-1.4 all give a normalised error of about 0.065 against YuNet's keypoints.</summary>
    const float CropScale = 1.2f;

    public string ModelName => Model;
    public LandmarkLayout Layout => LandmarkLayout.Ibug68;

    public async Task<FaceLandmarks> DetectAsync(RgbaImage image, DetectedFace face, CancellationToken ct = default)
    {
        var session = await sessions.GetAsync(Model, ct);
        ct.ThrowIfCancellationRequested();

        var crop = face.Box.ScaledAboutCenter(CropScale);
        var imageToCrop = AffineTransform.Translation(-crop.X, -crop.Y)
            .Then(AffineTransform.Scaling(InputSize / crop.Width, InputSize / crop.Height));
        var gray = CropWarp.Extract(image, imageToCrop, InputSize, InputSize).ToGray();
        var input = new float[InputSize * InputSize];
        for (int i = 0; i < input.Length; i++) input[i] = gray.Data[i] * (255f / 256f);

        var raw = session.Run(Tensor.FromFloats(input, 1, 1, InputSize, InputSize))[0].Value.AsFloats();
        var points = new Vector3[Layout.PointCount];
        for (int i = 0; i < points.Length; i++)
            points[i] = new Vector3(crop.X + raw[2 * i] * crop.Width, crop.Y + raw[2 * i + 1] * crop.Height, 0);
        return new FaceLandmarks(Layout, points, 1);
    }
}
