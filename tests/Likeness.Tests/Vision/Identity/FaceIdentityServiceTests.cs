using Likeness.Imaging.Transforms;
using Likeness.Tests.Support;
using Likeness.Vision.Faces.Detection;
using Likeness.Vision.Identity;
using Xunit.Abstractions;

namespace Likeness.Tests.Vision.Identity;

public class FaceIdentityServiceTests(ITestOutputHelper output)
{
    static FaceIdentityService Service() => new(TestModels.Require(YuNetDetector.Model, IdentityVerificationSettings.Default.Model));

    [SkippableFact]
    public async Task Photo_without_a_face_says_so_and_what_to_do()
    {
        var result = await Service().EmbedDominantFaceAsync(TestModels.Photo("backgrounds/skimage/coffee.png"));
        output.WriteLine(result.Problem);
        Assert.False(result.HasFace);
        Assert.Contains("no face found", result.Problem);
        Assert.Contains("use a photo", result.Problem);
    }

    [SkippableFact]
    public async Task Tiny_face_is_refused_as_too_small()
    {
        // Eyes about 10 px apart, on a canvas large enough for the detector to see the face.
        var image = TestModels.Photo("portraits/skimage/astronaut.png").Resize(128, 128, ResizeMethod.Area).Pad(152, 152, 152, 152, new Likeness.Imaging.Rgba32(128, 128, 128));
        var result = await Service().EmbedDominantFaceAsync(image);
        output.WriteLine(result.Problem ?? "embedded");
        Assert.False(result.HasFace);
        Assert.Contains("too small", result.Problem);
        Assert.NotNull(result.Face);
    }

    [SkippableFact]
    public async Task Template_of_one_person_accepts_her_new_photo_rejects_another_and_flags_the_stray_reference()
    {
        var service = Service();
        string[] references = ["identity/angelina_jolie/img1.jpg", "identity/angelina_jolie/img2.jpg", "identity/angelina_jolie/img4.jpg", "identity/angelina_jolie/img5.jpg", "identity/scarlett_johansson/img49.jpg"];
        var members = new List<FaceEmbedding>();
        foreach (var r in references) members.Add((await service.EmbedDominantFaceAsync(TestModels.Photo(r))).Embedding!);
        var template = IdentityTemplate.FromEmbeddings(members);
        var agreement = template.MemberAgreement();
        output.WriteLine(string.Join(", ", agreement.Select(a => a.ToString("0.000"))));
        Assert.Equal([4], template.Outliers(service.Settings.Threshold));

        var clean = IdentityTemplate.FromEmbeddings(members.Take(4));
        var same = service.Compare(clean, (await service.EmbedDominantFaceAsync(TestModels.Photo("identity/angelina_jolie/img6.jpg"))).Embedding!);
        var other = service.Compare(clean, (await service.EmbedDominantFaceAsync(TestModels.Photo("identity/jennifer_aniston/img54.jpg"))).Embedding!);
        output.WriteLine($"same {same.Similarity:0.000}, other {other.Similarity:0.000}");
        Assert.True(same.IsSame);
        Assert.False(other.IsSame);
    }
}
