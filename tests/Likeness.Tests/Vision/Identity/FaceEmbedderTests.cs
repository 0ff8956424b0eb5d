using Likeness.Imaging;
using Likeness.Imaging.Tensors;
using Likeness.Tests.Support;
using Likeness.Vision.Faces.Alignment;
using Likeness.Vision.Faces.Detection;
using Likeness.Vision.Identity;
using Xunit.Abstractions;

namespace Likeness.Tests.Vision.Identity;

public class FaceEmbedderTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models => new(FaceEmbedders.Names);

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public async Task Same_person_scores_higher_than_different_people(string model)
    {
        var sessions = TestModels.Require(YuNetDetector.Model, model);
        var embedder = FaceEmbedders.Create(sessions, model, IdentityThresholds.For(model).EmbedderOptions);
        var detector = new YuNetDetector(sessions);
        async Task<FaceEmbedding> Embed(string photo)
        {
            var image = TestModels.Photo(photo);
            return await embedder.EmbedAsync(FaceAligner.Align(image, (await detector.DetectAsync(image))[0]).Image);
        }
        var a1 = await Embed("identity/angelina_jolie/img1.jpg");
        var a2 = await Embed("identity/angelina_jolie/img2.jpg");
        var b = await Embed("identity/jennifer_aniston/img54.jpg");
        Assert.Equal(embedder.Dimension, a1.Dimension);
        Assert.Equal(1f, System.Numerics.Tensors.TensorPrimitives.Norm(a1.Vector), 4);
        float same = a1.CosineSimilarity(a2), different = a1.CosineSimilarity(b);
        output.WriteLine($"{model}: same {same:0.000}, different {different:0.000}, threshold {IdentityThresholds.For(model).Threshold}");
        Assert.True(same > IdentityThresholds.For(model).Threshold && different < IdentityThresholds.For(model).Threshold);
    }

    [SkippableFact]
    public async Task Flip_averaging_makes_the_embedding_mirror_invariant()
    {
        var sessions = TestModels.Require(YuNetDetector.Model, FrFeatureEmbedder.Model);
        var image = TestModels.Photo("portraits/skimage/astronaut.png");
        var crop = FaceAligner.Align(image, (await new YuNetDetector(sessions).DetectAsync(image))[0]).Image;
        var flipAverage = new FrFeatureEmbedder(sessions, new FaceEmbedderOptions(ChannelOrder.Bgr, FlipAverage: true));
        var single = new FrFeatureEmbedder(sessions, new FaceEmbedderOptions(ChannelOrder.Bgr, FlipAverage: false));
        var mirrored = Likeness.Imaging.Transforms.Geometry.FlipHorizontal(crop);
        Assert.Equal(1f, (await flipAverage.EmbedAsync(crop)).CosineSimilarity(await flipAverage.EmbedAsync(mirrored)), 4);
        Assert.True((await single.EmbedAsync(crop)).CosineSimilarity(await single.EmbedAsync(mirrored)) < 0.9999f, "without averaging the mirror differs");
    }

    [SkippableFact]
    public async Task Unaligned_crop_size_is_refused_with_the_fix()
    {
        var embedder = new MobileFaceNetEmbedder(TestModels.Sessions);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => embedder.EmbedAsync(new RgbaImage(100, 120)));
        Assert.Contains("FaceAligner.Align", e.Message);
    }
}
