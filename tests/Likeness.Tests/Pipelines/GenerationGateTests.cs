using Likeness.Imaging;
using Likeness.Imaging.Transforms;
using Likeness.Pipelines.Generation;
using Likeness.Providers;
using Likeness.Tests.Support;
using Likeness.Vision.Faces.Pose;
using Xunit.Abstractions;

namespace Likeness.Tests.Pipelines;

/// <summary>The gate on real photos standing in for provider outputs.</summary>
public class GenerationGateTests(ITestOutputHelper output)
{
    GateVerdict Log(GateVerdict v)
    {
        foreach (var f in v.Findings) output.WriteLine($"{f.Check,-9} {(f.Passed ? "ok  " : "FAIL")} {f.Measured} {f.Reason}");
        output.WriteLine($"faces {v.Faces} similarity {v.Similarity} yaw {v.Yaw} height {v.FaceHeightFraction} width {v.FaceWidthFraction}");
        return v;
    }

    [SkippableFact]
    public async Task The_right_person_at_the_requested_angle_passes_with_every_figure_reported()
    {
        var engine = Engine.Require();
        var template = await GatePhotos.TemplateAsync(engine, GatePhotos.JackTemplate);
        var verdict = Log(await new GenerationGate(engine).JudgeAsync(await GatePhotos.FramedPngAsync(engine, GatePhotos.JackLeft),
            GateExpectation.ForView(FaceView.ThreeQuarterLeft), template));
        Assert.True(verdict.Passed, verdict.Summary);
        Assert.Equal(FaceView.ThreeQuarterLeft, verdict.MeasuredView);
        Assert.True(verdict.Yaw < -15);
        Assert.True(verdict.Similarity >= verdict.Threshold);
        Assert.InRange(verdict.FaceHeightFraction!.Value, 0.40, 0.50);
        Assert.False(verdict.Mirrored);
        Assert.Equal([GateChecks.Answer, GateChecks.OneFace, GateChecks.Quality, GateChecks.Identity, GateChecks.View, GateChecks.Framing],
            verdict.Findings.Select(f => f.Check));
    }

    [SkippableFact]
    public async Task The_same_photo_flipped_is_named_mirrored_and_fails()
    {
        var engine = Engine.Require();
        var template = await GatePhotos.TemplateAsync(engine, GatePhotos.JackTemplate);
        var verdict = Log(await new GenerationGate(engine).JudgeAsync(await GatePhotos.FramedPngAsync(engine, GatePhotos.JackLeft, mirrored: true),
            GateExpectation.ForView(FaceView.ThreeQuarterLeft), template));
        Assert.False(verdict.Passed);
        Assert.True(verdict.Mirrored);
        Assert.True(verdict.Failed(GateChecks.Mirrored));
        Assert.Contains("RIGHT edge", verdict.Summary);
        Assert.False(verdict.Failed(GateChecks.Identity), "a flip keeps the identity: only the view fails");
    }

    [SkippableFact]
    public async Task A_matched_portrait_turned_the_other_way_is_mirrored()
    {
        var engine = Engine.Require();
        var template = await GatePhotos.TemplateAsync(engine, GatePhotos.JackTemplate);
        var gate = new GenerationGate(engine);
        var expect = GateExpectation.MatchingYaw(-18, GateFraming.Any);
        var same = Log(await gate.JudgeAsync(GatePhotos.Raw(GatePhotos.JackLeft), expect, template));
        var flipped = Log(await gate.JudgeAsync(GatePhotos.Png(TestModels.Photo(GatePhotos.JackLeft).FlipHorizontal()), expect, template));
        Assert.True(same.Passed, same.Summary);
        Assert.True(flipped.Mirrored);
        Assert.False(flipped.Passed);
    }

    [SkippableFact]
    public async Task Another_person_fails_identity_with_the_score_kept()
    {
        var engine = Engine.Require();
        var template = await GatePhotos.TemplateAsync(engine, GatePhotos.JackTemplate);
        var verdict = Log(await new GenerationGate(engine).JudgeAsync(await GatePhotos.FramedPngAsync(engine, GatePhotos.Angelina),
            GateExpectation.ForView(FaceView.Front), template));
        Assert.True(verdict.Failed(GateChecks.Identity));
        Assert.True(verdict.Similarity < verdict.Threshold);
        Assert.Contains("another person", verdict.Summary);
        Assert.False(verdict.Failed(GateChecks.View));
        Assert.False(verdict.Failed(GateChecks.Framing));
    }

    [SkippableFact]
    public async Task A_two_person_photo_fails_one_face_even_when_one_of_them_is_the_person()
    {
        var engine = Engine.Require();
        var template = await GatePhotos.TemplateAsync(engine, GatePhotos.AngelinaTemplate);
        var verdict = Log(await new GenerationGate(engine).JudgeAsync(GatePhotos.Raw(GatePhotos.Couple), GateExpectation.Cinematic(), template));
        Assert.True(verdict.Failed(GateChecks.OneFace));
        Assert.True(verdict.Faces >= 2);
        Assert.False(verdict.Passed);
    }

    [SkippableFact]
    public async Task A_tiny_face_fails_framing_for_a_view_and_says_how_small()
    {
        var engine = Engine.Require();
        var template = await GatePhotos.TemplateAsync(engine, GatePhotos.MarkTemplate);
        var verdict = Log(await new GenerationGate(engine).JudgeAsync(GatePhotos.Raw(GatePhotos.MarkOnStage), GateExpectation.ForView(FaceView.Front), template));
        Assert.True(verdict.Failed(GateChecks.Framing));
        Assert.Contains("too small", verdict.Summary);
        Assert.True(verdict.FaceHeightFraction < 0.40);
    }

    [SkippableFact]
    public async Task A_blank_image_and_a_placeholder_fail_quality_before_any_face_check()
    {
        var engine = Engine.Require();
        var template = await GatePhotos.TemplateAsync(engine, GatePhotos.JackTemplate);
        var gate = new GenerationGate(engine);
        var blank = Log(await gate.JudgeAsync(RgbaImage.Filled(1024, 1024, new Rgba32(250, 250, 250)), GateExpectation.ForView(FaceView.Front), template));
        Assert.True(blank.Failed(GateChecks.Quality));
        Assert.Contains("blank", blank.Summary);
        Assert.DoesNotContain(blank.Findings, f => f.Check == GateChecks.Identity);
        var thumb = TestModels.Photo(GatePhotos.JackLeft).Resize(120, 81);
        var placeholder = Log(await gate.JudgeAsync(thumb, GateExpectation.ForView(FaceView.Front), template));
        Assert.Contains("placeholder", placeholder.Summary);
    }

    [Fact]
    public void Blocked_and_empty_answers_are_failed_verdicts_with_the_providers_reason()
    {
        var blocked = GenerationGate.NoImage(FailureKind.SafetyBlock, "finish reason IMAGE_SAFETY");
        Assert.False(blocked.Passed);
        Assert.Contains("blocked", blocked.Summary);
        Assert.Contains("IMAGE_SAFETY", blocked.Summary);
        var empty = GenerationGate.NoImage(FailureKind.EmptyResponse, "no candidates");
        Assert.False(empty.Passed);
        Assert.True(empty.Failed(GateChecks.Answer));
    }
}
