using Likeness.Inference;
using Likeness.Tests.Vision.Faces;
using Likeness.Vision.Faces;
using Likeness.Vision.Faces.Detection;
using Xunit.Abstractions;

namespace Likeness.Tests.Vision;

/// <summary>YuNet runs the shared detector contract (two faces in the couple, five or more in the selfie, sane keypoints, ...).</summary>
public class YuNetDetectorTests(ITestOutputHelper output) : FaceDetectorContract(output)
{
    protected override string Model => YuNetDetector.Model;
    protected override IFaceDetector Create(IModelSessions sessions) => new YuNetDetector(sessions);
}
