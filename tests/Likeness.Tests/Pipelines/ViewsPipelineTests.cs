using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;
using Likeness.Pipelines;
using Likeness.Pipelines.Views;
using Likeness.Tests.Support;
using Likeness.Vision.Faces.Pose;
using Xunit.Abstractions;

namespace Likeness.Tests.Pipelines;

public class ViewsPipelineTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task A_single_front_photo_gives_the_front_view_and_never_invents_the_others()
    {
        var outcome = await new ViewsPipeline(Engine.Require("selfie-segmentation")).RunAsync([Engine.Sample("astronaut.png")], "fast");
        foreach (var v in outcome.Views) output.WriteLine($"{v.View}: {v.SourcePhoto} {v.Yaw} {v.FaceHeightFraction} {v.Missing}");
        var front = outcome.Views.Single(v => v.View == FaceView.Front);
        Assert.Equal("astronaut.png", front.SourcePhoto);
        Assert.InRange(front.FaceHeightFraction!.Value, 0.40, 0.50);
        var image = outcome.Images[FaceView.Front];
        Assert.Equal((1024, 1024), (image.Width, image.Height));
        Assert.Equal(new Likeness.Imaging.Rgba32(255, 255, 255), image[5, 5]); // background replaced with white
        Assert.Single(outcome.Images);
        Assert.All(outcome.Views.Where(v => v.View != FaceView.Front), v =>
        {
            Assert.Null(v.File);
            Assert.Contains("nose", v.Missing ?? "", StringComparison.OrdinalIgnoreCase);
        });
        Assert.True(outcome.Sheet.Width > 5 * 256);
    }

    [SkippableFact]
    public async Task A_turned_head_and_its_mirror_fill_opposite_sides()
    {
        var turned = TestModels.Photo("portraits/3ddfa/test2.jpg");
        var mirrored = new EncodedImage("mirrored.png", ImageCodec.Encode(turned.FlipHorizontal(), ImageFormat.Png, new EncodeOptions { FastPngCompression = true }));
        var outcome = await new ViewsPipeline(Engine.Require("selfie-segmentation")).RunAsync([Engine.Shared("portraits/3ddfa/test2.jpg"), mirrored], "fast");
        foreach (var v in outcome.Views) output.WriteLine($"{v.View}: {v.SourcePhoto} yaw {v.Yaw} {v.Missing}");
        var filled = outcome.Views.Where(v => v.SourcePhoto is not null).ToList();
        Assert.Equal(2, filled.Count);
        Assert.NotEqual(FaceView.Front, filled[0].View);
        Assert.Equal(filled[0].View.Mirrored(), filled[1].View);
        Assert.True(filled[0].Yaw * filled[1].Yaw < 0, "mirror images have yaw of opposite sign");
        var left = filled.Single(v => v.View is FaceView.ThreeQuarterLeft or FaceView.ProfileLeft);
        Assert.True(left.Yaw < 0, "left views have the nose toward the left edge (negative yaw)");
    }

    [SkippableFact]
    public async Task Someone_else_among_the_photos_is_left_out_not_used_for_a_view()
    {
        var photos = new[] { "identity/angelina_jolie/img1.jpg", "identity/angelina_jolie/img6.jpg", "identity/angelina_jolie/img11.jpg", "portraits/3ddfa/test2.jpg" }
            .Select(Engine.Shared).ToList();
        var outcome = await new ViewsPipeline(Engine.Require("selfie-segmentation")).RunAsync(photos, "fast");
        foreach (var s in outcome.Skipped) output.WriteLine(s);
        Assert.Contains(outcome.Skipped, s => s.StartsWith("test2.jpg") && s.Contains("same person"));
        Assert.DoesNotContain(outcome.Views, v => v.SourcePhoto == "test2.jpg");
        Assert.NotNull(outcome.Views.Single(v => v.View == FaceView.Front).SourcePhoto);
    }
}
