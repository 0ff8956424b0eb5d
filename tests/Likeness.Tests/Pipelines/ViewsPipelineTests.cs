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
        // At 512 px the astronaut's face is 91 px wide, under the check's 100 px: enlarged so only the view rules apply.
        var astronaut = CloseCrops.Encode(ImageCodec.Load(Path.Combine(TestPaths.RepoRoot, "samples", "astronaut.png")).Resize(768, 768), "astronaut.png");
        var outcome = await new ViewsPipeline(Engine.Require("selfie-segmentation")).RunAsync([astronaut], "fast");
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
        var turned = Turned();
        var mirrored = new EncodedImage("mirrored.png", ImageCodec.Encode(turned.FlipHorizontal(), ImageFormat.Png, new EncodeOptions { FastPngCompression = true }));
        var outcome = await new ViewsPipeline(Engine.Require("selfie-segmentation")).RunAsync([CloseCrops.Encode(turned, "test2.jpg"), mirrored], "fast");
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
        var photos = new[] { "identity/angelina_jolie/img1.jpg", "identity/angelina_jolie/img6.jpg", "identity/angelina_jolie/img11.jpg" }
            .Select(Engine.Shared).Append(CloseCrops.Encode(Turned(), "test2.jpg")).ToList();
        var outcome = await new ViewsPipeline(Engine.Require("selfie-segmentation")).RunAsync(photos, "fast");
        foreach (var s in outcome.Skipped) output.WriteLine(s);
        Assert.Contains(outcome.Skipped, s => s.StartsWith("test2.jpg") && s.Contains("same person"));
        Assert.DoesNotContain(outcome.Views, v => v.SourcePhoto == "test2.jpg");
        Assert.NotNull(outcome.Views.Single(v => v.View == FaceView.Front).SourcePhoto);
    }

    /// <summary>portraits/3ddfa/test2.jpg (a turned head) at 1024x576: at 640x360 it is under the check's 512 px minimum side.</summary>
    static Likeness.Imaging.RgbaImage Turned() => TestModels.Photo("portraits/3ddfa/test2.jpg").Resize(1024, 576);

    [SkippableFact]
    public async Task Close_crops_give_no_view_and_say_why()
    {
        var engine = Engine.Require("isnet", "selfie-segmentation");
        var files = new[] { "img1.jpg", "img2.jpg", "img4.jpg", "img5.jpg", "img6.jpg", "img7.jpg", "img10.jpg", "img11.jpg" }
            .Select(f => $"identity/angelina_jolie/{f}");
        var crops = new List<EncodedImage>();
        var enlarged = new List<EncodedImage>();
        foreach (var file in files)
        {
            var photo = ImageCodec.Load(TestPaths.TestDataFile(file));
            var face = (await engine.DominantFaceAsync(photo))!;
            var name = Path.GetFileNameWithoutExtension(file);
            crops.Add(CloseCrops.Encode(CloseCrops.FaceFilled(photo, face, 150), name + "-150.png"));
            // The same kind of crop at 600 px passes the size rules, so the framing rule must catch it.
            enlarged.Add(CloseCrops.Encode(CloseCrops.FaceFilled(photo, face, 600), name + "-600.png"));
        }

        var small = await new ViewsPipeline(engine).RunAsync(crops);
        foreach (var s in small.Skipped) output.WriteLine(s);
        Assert.Empty(small.Images);
        Assert.Equal(crops.Count, small.Skipped.Count(s => s.Contains("150x150 is below 512x512")));

        var large = await new ViewsPipeline(engine).RunAsync(enlarged);
        foreach (var v in large.Views) output.WriteLine($"{v.View}: {v.Missing}");
        foreach (var s in large.Skipped) output.WriteLine(s);
        foreach (var (view, image) in large.Images) ImageCodec.Save(image, Path.Combine(Path.GetTempPath(), $"crops-view-{view}.png"));
        Assert.Empty(large.Images);
        var front = large.Views.Single(v => v.View == FaceView.Front);
        Assert.Null(front.File);
        Assert.Contains("close face crop", front.Missing);
        Assert.Contains("shows the whole head and the shoulders", front.Missing);
    }

    [SkippableFact]
    public async Task A_body_cut_by_the_photo_bottom_fades_out_instead_of_ending_in_a_hard_line()
    {
        var outcome = await new ViewsPipeline(Engine.Require("selfie-segmentation")).RunAsync([Engine.Shared("identity/leonardo_dicaprio/img35.jpg")], "fast");
        var front = outcome.Images[FaceView.Front];
        static double Darkness(Likeness.Imaging.RgbaImage img, int y0, int y1)
        {
            double sum = 0; int n = 0;
            for (int y = y0; y < y1; y++)
                for (int x = 0; x < img.Width; x++) { var p = img[x, y]; sum += 255 - (p.R + p.G + p.B) / 3.0; n++; }
            return sum / n;
        }
        int lowest = Enumerable.Range(0, front.Height).Last(y => Enumerable.Range(0, front.Width).Any(x => front[x, y].R < 225));
        Assert.True(lowest < front.Height - 20, $"the photo ends inside the frame (lowest body row {lowest})");
        double atCut = Darkness(front, lowest - 12, lowest), above = Darkness(front, lowest - 90, lowest - 78);
        output.WriteLine($"lowest {lowest}, darkness at the cut {atCut:0.0}, above it {above:0.0}");
        Assert.True(atCut < above * 0.5, $"the last rows above the cut are faded ({atCut:0.0} vs {above:0.0})");
    }
}
