using Likeness.Imaging.Transforms;
using Likeness.Pipelines.Generation;
using Likeness.Pipelines.Views;
using Likeness.Providers.Tests.Fakes;
using Likeness.Tests.Support;
using Likeness.Vision.Faces.Pose;
using Xunit.Abstractions;

namespace Likeness.Tests.Pipelines;

/// <summary>`views --generate`: the loopback Gemini answers each view request with a real photo the test picks.</summary>
public sealed class GeneratedViewsTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly Harness _harness = new();
    FakeGemini _gemini = null!;

    public async Task InitializeAsync()
    {
        _gemini = await FakeGemini.StartAsync(_harness.Clock);
        _harness.AddGemini(_gemini);
    }

    public async Task DisposeAsync()
    {
        await _gemini.DisposeAsync();
        _harness.Dispose();
    }

    [SkippableFact]
    public async Task Generated_views_are_gated_normalised_and_never_delivered_mirrored_or_as_someone_else()
    {
        var engine = Engine.Require("selfie-segmentation");
        var gate = new GenerationGate(engine);
        var generation = new ViewGeneration(new GatedGenerator(_harness.Service(), _harness.Store, gate, time: _harness.Clock), gate, _harness.Context(), GenerateViews.All);
        // In view order: profile-left, three-quarter-left, front, three-quarter-right, profile-right.
        foreach (var reply in new[]
        {
            GatePhotos.Raw(GatePhotos.Angelina), GatePhotos.Raw(GatePhotos.Angelina), GatePhotos.Raw(GatePhotos.Angelina),
            GatePhotos.Png(TestModels.Photo(GatePhotos.LeoLeft).FlipHorizontal()), GatePhotos.Raw(GatePhotos.LeoLeft),
            GatePhotos.Raw(GatePhotos.LeoFront),
            GatePhotos.Png(TestModels.Photo(GatePhotos.LeoLeft).FlipHorizontal()),
            GatePhotos.Raw(GatePhotos.Couple), GatePhotos.Raw(GatePhotos.Couple), GatePhotos.Raw(GatePhotos.Couple),
        }) _gemini.Replies.Enqueue(FakeReply.Image(reply));

        var photos = GatePhotos.LeoTemplate.Select(Engine.Shared).ToList();
        var outcome = await new ViewsPipeline(engine).RunAsync(photos, "fast", generation: generation);
        if (Environment.GetEnvironmentVariable("LIKENESS_TEST_OUT") is { Length: > 0 } dir)
        {
            foreach (var (view, image) in outcome.Images) Likeness.Imaging.Codecs.ImageCodec.Save(image, Path.Combine(dir, ViewsPipeline.FileName(view)));
            Likeness.Imaging.Codecs.ImageCodec.Save(outcome.Sheet, Path.Combine(dir, "sheet.png"));
        }
        foreach (var v in outcome.Views)
        {
            output.WriteLine($"{v.View}: {v.SourcePhoto} yaw {v.Yaw} sim {v.Similarity} generated {v.Generated} side {v.SubjectSide} {v.Missing}");
            foreach (var a in v.Attempts ?? []) output.WriteLine($"   #{a.Number} {a.Verdict}");
        }

        var byView = outcome.Views.ToDictionary(v => v.View);
        Assert.Equal(10, _gemini.GenerateCalls.Count);
        Assert.All(_gemini.GenerateCalls, c => Assert.Equal(3, FakeGemini.ImagesIn(c))); // three photos: all of them are references
        Assert.Contains("nose points toward the LEFT EDGE", FakeGemini.PromptOf(_gemini.GenerateCalls[3]));
        Assert.Contains("Not the mirror image", FakeGemini.PromptOf(_gemini.GenerateCalls[4]));

        var left = byView[FaceView.ThreeQuarterLeft];
        Assert.True(left.Generated);
        Assert.Equal("left", left.SubjectSide);
        Assert.Equal(2, left.Attempts!.Count);
        Assert.True(left.Attempts[0].Mirrored);
        Assert.True(left.Yaw < -FaceViews.FrontMaxYaw);
        Assert.InRange(left.FaceHeightFraction!.Value, 0.40, 0.50);
        Assert.True(left.Similarity >= engine.Identity.Settings.Threshold);
        var tile = outcome.Images[FaceView.ThreeQuarterLeft];
        Assert.Equal((1024, 1024), (tile.Width, tile.Height));
        Assert.Equal(new Likeness.Imaging.Rgba32(255, 255, 255), tile[5, 5]);

        Assert.True(byView[FaceView.ThreeQuarterRight].Generated);
        Assert.True(byView[FaceView.ThreeQuarterRight].Yaw > FaceViews.FrontMaxYaw);
        Assert.True(byView[FaceView.Front].Generated);

        foreach (var failed in new[] { FaceView.ProfileLeft, FaceView.ProfileRight })
        {
            Assert.False(outcome.Images.ContainsKey(failed));
            Assert.Null(byView[failed].File);
            Assert.Equal(3, byView[failed].Attempts!.Count);
            Assert.Contains("none of 3 generated image(s) passed", byView[failed].Missing);
        }
        Assert.Contains("another person", byView[FaceView.ProfileLeft].Missing);
        Assert.Contains("people in the image", byView[FaceView.ProfileRight].Missing);
        Assert.Equal(3, outcome.Images.Count);
    }
}
