using Likeness.Imaging;
using Likeness.Inference;
using Likeness.Vision.Faces;
using Likeness.Vision.Faces.Detection;
using Likeness.Vision.Faces.Landmarks;
using Likeness.Vision.Faces.Pose;
using Likeness.Vision.Identity;
using Likeness.Vision.Matting;

namespace Likeness.Pipelines;

/// <summary>
/// The local engine as the pipelines use it: one detector, landmarker, identity service and matting
/// model per process, all over one shared set of ONNX sessions.
/// </summary>
public sealed class VisionEngine(IModelSessions sessions, Microsoft.Extensions.Logging.ILoggerFactory? loggers = null)
{
    readonly Dictionary<string, IMatting> _matting = new(StringComparer.OrdinalIgnoreCase);

    public IModelSessions Sessions { get; } = sessions;
    public IFaceDetector Detector { get; } = new YuNetDetector(sessions);
    public IFaceLandmarker Landmarker { get; } = new FaceMeshLandmarker(sessions);
    public FaceIdentityService Identity { get; } = new(sessions);

    public IMatting Matting(string modeOrModel)
    {
        lock (_matting)
        {
            if (!_matting.TryGetValue(modeOrModel, out var m))
                _matting[modeOrModel] = m = MattingModels.Create(Sessions, modeOrModel, loggers?.CreateLogger("Likeness.Matting"));
            return m;
        }
    }

    /// <summary>The largest face, or null.</summary>
    public async Task<DetectedFace?> DominantFaceAsync(RgbaImage image, CancellationToken ct = default) =>
        (await Detector.DetectAsync(image, ct: ct)).FirstOrDefault();

    /// <summary>Head pose from the face mesh; falls back to the 5 keypoints when the mesh is unavailable.</summary>
    public async Task<HeadPose> HeadPoseAsync(RgbaImage image, DetectedFace face, CancellationToken ct = default)
    {
        try
        {
            var landmarks = await Landmarker.DetectAsync(image, face, ct);
            return HeadPoseEstimator.Estimate(landmarks);
        }
        catch (Likeness.Models.ModelUnavailableException)
        {
            return HeadPoseEstimator.Estimate(face);
        }
    }
}
