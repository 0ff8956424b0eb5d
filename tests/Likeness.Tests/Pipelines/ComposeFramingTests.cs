using Likeness.Imaging.Codecs;
using Likeness.Pipelines;
using Likeness.Pipelines.Compose;
using Likeness.Tests.Support;
using Likeness.Vision.Matting;
using Xunit.Abstractions;

namespace Likeness.Tests.Pipelines;

/// <summary>Compose on the photos people really upload: close crops, half and full bodies, weak mattes, unverifiable results.</summary>
public class ComposeFramingTests(ITestOutputHelper output)
{
    static VisionEngine Full() => Engine.Require("isnet", "selfie-segmentation");

    /// <summary>A face-filled close crop of a real photo (the face box starts at the top edge and fills 95 % of the height).</summary>
    static async Task<EncodedImage> CloseCropAsync(VisionEngine engine, string relative, int size)
    {
        var photo = ImageCodec.Load(TestPaths.TestDataFile(relative));
        var face = await engine.DominantFaceAsync(photo) ?? throw new InvalidOperationException($"no face in {relative}");
        return CloseCrops.Encode(CloseCrops.FaceFilled(photo, face, size), $"{Path.GetFileNameWithoutExtension(relative)}-crop{size}.png");
    }

    async Task<ComposeResult> ComposeAsync(VisionEngine engine, EncodedImage person, ComposeOptions? options = null)
    {
        var result = await new ComposePipeline(engine).ComposeAsync(person, Engine.Sample("rocket.jpg"), null, options ?? new ComposeOptions());
        output.WriteLine(System.Text.Json.JsonSerializer.Serialize(result.Report));
        return result;
    }

    [SkippableTheory]
    [InlineData(150)]
    [InlineData(250)]
    public async Task A_close_crop_is_refused_with_the_true_reason_and_the_fix(int size)
    {
        var engine = Full();
        var crop = await CloseCropAsync(engine, "identity/angelina_jolie/img6.jpg", size);
        var e = await Assert.ThrowsAsync<ComposeRefusedException>(() => ComposeAsync(engine, crop));
        output.WriteLine(e.Message);
        Assert.Equal(ComposeRefusal.CloseCrop, e.Reason);
        Assert.Contains("close face crop", e.Message);
        Assert.Contains("top of the head", e.Message);
        Assert.Contains("use a photo that shows the head and shoulders", e.Message);
        Assert.Contains("--allow-crop", e.Message);
        Assert.DoesNotContain("no person found", e.Message);
    }

    [SkippableFact]
    public async Task Allow_crop_places_a_close_crop_with_a_warning_and_says_so_in_the_report()
    {
        var engine = Full();
        var crop = await CloseCropAsync(engine, "identity/angelina_jolie/img6.jpg", 250);
        var r = (await ComposeAsync(engine, crop, new ComposeOptions { AllowCrop = true })).Report;
        Assert.Equal("close-crop", r.Framing);
        Assert.Contains(r.Warnings, w => w.Contains("close face crop") && w.Contains("--allow-crop"));
        Assert.True(r.Verified, "the placed crop is still the person");
    }

    [SkippableFact]
    public async Task A_half_body_photo_is_written_with_its_framing_and_a_verified_person()
    {
        var r = (await ComposeAsync(Full(), Engine.Shared("identity/leonardo_dicaprio/img37.jpg"))).Report;
        Assert.Equal("half-body", r.Framing);
        Assert.True(r.Verified);
        Assert.True(r.IdentitySimilarity >= r.IdentityThreshold);
        Assert.Null(r.MattingFallback);
        Assert.True(r.MatteFaceAlpha >= MatteOpacity.MinFace);
        Assert.Contains("bottom edge", r.Placement!.Reason); // cut by the photo's bottom edge: anchored there
    }

    [SkippableFact]
    public async Task A_head_and_shoulders_photo_sits_as_a_bust_on_the_bottom_edge()
    {
        var result = await ComposeAsync(Full(), Engine.Shared("identity/angelina_jolie/img6.jpg"));
        Assert.Equal("head-and-shoulders", result.Report.Framing);
        Assert.Contains("bust on the bottom edge", result.Report.Placement!.Reason);
        var mask = result.PersonMask;
        var bottomRow = mask.Row(mask.Height - 1);
        Assert.True(bottomRow.ToArray().Count(a => a > 0.5f) > mask.Width / 10, "the bust's cut edge is hidden by the scene's bottom edge");
    }

    [SkippableFact]
    public async Task A_full_body_photo_stands_on_the_ground_line()
    {
        var result = await ComposeAsync(Full(), Engine.Shared("fullbody/tf_pose/ski.jpg"), new ComposeOptions { Force = true });
        Assert.Equal("full-body", result.Report.Framing);
        Assert.Contains("ground line", result.Report.Placement!.Reason);
        var mask = result.PersonMask;
        Assert.DoesNotContain(mask.Row(mask.Height - 1).ToArray(), a => a > 0.5f); // feet above the bottom edge
    }

    [SkippableFact]
    public async Task A_matte_that_is_not_opaque_falls_back_to_the_other_model()
    {
        // ISNet mattes this low-resolution crop away (face alpha ~0); selfie segmentation keeps it.
        var engine = Full();
        var crop = await CloseCropAsync(engine, "fullbody/opencv/messi5.jpg", 150);
        var r = (await ComposeAsync(engine, crop, new ComposeOptions { AllowCrop = true, Force = true })).Report;
        Assert.Equal(SelfieSegmentationMatting.Model, r.MattingModel);
        Assert.NotNull(r.MattingFallback);
        Assert.Contains("isnet", r.MattingFallback);
        Assert.True(r.MatteFaceAlpha >= MatteOpacity.MinFace);
        Assert.Contains(r.Warnings, w => w.Contains("not opaque"));
    }

    [SkippableFact]
    public async Task A_ghost_matte_with_both_models_is_refused_naming_both()
    {
        var engine = Full();
        var crop = await CloseCropAsync(engine, "identity/jack_dorsey/img16.jpg", 150);
        var e = await Assert.ThrowsAsync<ComposeRefusedException>(() => ComposeAsync(engine, crop, new ComposeOptions { AllowCrop = true }));
        output.WriteLine(e.Message);
        Assert.Equal(ComposeRefusal.GhostMatte, e.Reason);
        Assert.Contains(IsNetMatting.Model, e.Message);
        Assert.Contains(SelfieSegmentationMatting.Model, e.Message);
        Assert.Contains("ghost", e.Message);
    }

    [SkippableFact]
    public async Task An_unverifiable_result_is_not_written_unless_forced()
    {
        var engine = Engine.Require("selfie-segmentation");
        // At 2 % of the width the face is too small to be found in the output again.
        var tiny = new ComposeOptions { Matting = "fast", Placement = new() { FaceWidthFraction = 0.02 } };
        var e = await Assert.ThrowsAsync<ComposeRefusedException>(() => ComposeAsync(engine, Engine.Sample("astronaut.png"), tiny));
        output.WriteLine(e.Message);
        Assert.Equal(ComposeRefusal.Unverified, e.Reason);
        Assert.Contains("--force", e.Message);

        var forced = (await ComposeAsync(engine, Engine.Sample("astronaut.png"), tiny with { Force = true })).Report;
        Assert.False(forced.Verified);
        Assert.Contains(forced.Warnings, w => w.Contains("written anyway (--force)"));
    }

    [SkippableFact]
    public async Task A_photo_without_a_face_is_refused_because_it_cannot_be_verified()
    {
        var engine = Engine.Require("selfie-segmentation");
        var e = await Assert.ThrowsAsync<ComposeRefusedException>(() => ComposeAsync(engine, Engine.Sample("rocket.jpg"), new ComposeOptions { Matting = "fast" }));
        Assert.Equal(ComposeRefusal.NoFace, e.Reason);
        Assert.Contains("no face found", e.Message);
    }

    [SkippableTheory]
    [InlineData("portraits/3ddfa_v2/trump_hillary.jpg")]
    [InlineData("portraits/dlib/bald_guys.jpg")]
    [InlineData("identity/george_clooney/img40.jpg")] // the fast matte keeps the photographers behind him
    public async Task A_photo_whose_matte_holds_other_people_is_refused_and_written_only_with_force(string photo)
    {
        var engine = Full();
        var person = Engine.Shared(photo);
        var e = await Assert.ThrowsAsync<ComposeRefusedException>(() => ComposeAsync(engine, person));
        output.WriteLine(e.Message);
        Assert.Equal(ComposeRefusal.SeveralPeople, e.Reason);
        Assert.Contains("people and the matte keeps them all", e.Message);
        Assert.Contains("crop the photo to the one person", e.Message);

        var forced = await ComposeAsync(engine, person, new ComposeOptions { Force = true });
        Assert.Contains(forced.Report.Warnings, w => w.Contains("people are in the matte"));
    }

    [SkippableFact]
    public async Task A_bystander_the_matte_leaves_out_does_not_stop_the_compose()
    {
        var engine = Full();
        var result = await ComposeAsync(engine, Engine.Shared("identity/jack_dorsey/img59.jpg")); // a second face at the left edge, outside the matte
        Assert.DoesNotContain(result.Report.Warnings, w => w.Contains("people"));
        Assert.True(result.Report.IdentitySimilarity >= 0.41, "the composite is verified as the same person");
    }
}
