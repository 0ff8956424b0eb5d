using System.Numerics;
using Likeness.Imaging.Codecs;
using Likeness.Inference;
using Likeness.Tests.Support;
using Likeness.Vision.Faces;
using Likeness.Vision.Faces.Detection;
using Xunit.Abstractions;

namespace Likeness.Tests.Vision.Faces;

public class RetinaFaceDetectorTests(ITestOutputHelper output) : FaceDetectorContract(output)
{
    protected override string Model => RetinaFaceDetector.Model;
    protected override IFaceDetector Create(IModelSessions sessions) => new RetinaFaceDetector(sessions);

    /// <summary>
    /// The model's source stretched photos to 640x640; we letterbox. Judge both by how far their keypoints
    /// fall from YuNet's (an independent detector) on the identity photos, in interocular distances.
    /// </summary>
    [SkippableFact]
    public async Task Letterboxing_places_keypoints_at_least_as_well_as_stretching()
    {
        var sessions = TestModels.Require(Model, YuNetDetector.Model);
        var yunet = new YuNetDetector(sessions);
        var letterboxed = new RetinaFaceDetector(sessions, keepAspect: true);
        var stretched = new RetinaFaceDetector(sessions, keepAspect: false);
        var errors = new List<(float Letterbox, float Stretch)>();
        int missedLetterbox = 0, missedStretch = 0;
        foreach (var file in IdentityPhotos())
        {
            var image = ImageCodec.Load(file);
            var reference = (await yunet.DetectAsync(image))[0];
            var a = await letterboxed.DetectAsync(image);
            var b = await stretched.DetectAsync(image);
            if (a.Count == 0) missedLetterbox++;
            if (b.Count == 0) missedStretch++;
            if (a.Count > 0 && b.Count > 0) errors.Add((KeypointError(a[0], reference), KeypointError(b[0], reference)));
        }
        float letterbox = errors.Average(e => e.Letterbox), stretch = errors.Average(e => e.Stretch);
        Output.WriteLine($"mean keypoint distance to YuNet / interocular: letterbox {letterbox:0.000}, stretched {stretch:0.000} over {errors.Count} photos; missed {missedLetterbox} vs {missedStretch}");
        Assert.True(missedLetterbox <= missedStretch, "letterboxing must not miss faces stretching finds");
        Assert.True(letterbox <= stretch + 0.01f, $"letterbox {letterbox:0.000} vs stretched {stretch:0.000}");
        Assert.True(letterbox < 0.15f, "keypoints agree with YuNet's");
    }

    static float KeypointError(DetectedFace face, DetectedFace reference) =>
        face.Keypoints.Zip(reference.Keypoints, Vector2.Distance).Average() / reference.InterocularDistance;
}
