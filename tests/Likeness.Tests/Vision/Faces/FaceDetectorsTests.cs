using Likeness.Models;
using Likeness.Tests.Support;
using Likeness.Vision.Faces.Detection;

namespace Likeness.Tests.Vision.Faces;

public class FaceDetectorsTests
{
    [Fact]
    public void Default_is_yunet_and_permissive()
    {
        var info = FaceDetectors.Describe(FaceDetectors.Default);
        Assert.Equal(YuNetDetector.Model, info.Name);
        Assert.True(info.IsDefault);
        Assert.Equal(LicenceClass.Permissive, info.LicenceClass);
        Assert.Null(info.LicenceWarning);
    }

    [Fact]
    public void Scrfd_carries_a_non_commercial_warning()
    {
        var info = FaceDetectors.Describe(ScrfdDetector.Model);
        Assert.Equal(LicenceClass.NonCommercial, info.LicenceClass);
        Assert.False(info.IsDefault);
        Assert.Contains("NON-COMMERCIAL", info.LicenceWarning);
        Assert.Contains(FaceDetectors.Default, info.LicenceWarning);
    }

    [Fact]
    public void Unknown_name_lists_the_choices()
    {
        var e = Assert.Throws<ArgumentException>(() => FaceDetectors.Describe("mtcnn"));
        Assert.Contains("yunet", e.Message);
        Assert.Contains("retinaface-mnet025", e.Message);
    }

    [SkippableFact]
    public void Create_builds_the_named_detector_and_yunet_when_unnamed()
    {
        var sessions = TestModels.Sessions;
        Assert.IsType<YuNetDetector>(FaceDetectors.Create(sessions));
        Assert.IsType<YuNetDetector>(FaceDetectors.Create(sessions, " "));
        Assert.IsType<RetinaFaceDetector>(FaceDetectors.Create(sessions, "retinaface-mnet025"));
        var warnings = new List<string>();
        Assert.IsType<RetinaFaceDetector>(FaceDetectors.Create(sessions, "retinaface-mnet025", warnings.Add));
        Assert.Empty(warnings);
        Assert.IsType<ScrfdDetector>(FaceDetectors.Create(sessions, "SCRFD-500M", warnings.Add));
        Assert.Contains("NON-COMMERCIAL", Assert.Single(warnings));
    }
}
