using Likeness.Inference;
using Likeness.Vision.Faces;
using Likeness.Vision.Faces.Detection;
using Xunit.Abstractions;

namespace Likeness.Tests.Vision.Faces;

public class ScrfdDetectorTests(ITestOutputHelper output) : FaceDetectorContract(output)
{
    protected override string Model => ScrfdDetector.Model;
    protected override IFaceDetector Create(IModelSessions sessions) => new ScrfdDetector(sessions);
}
