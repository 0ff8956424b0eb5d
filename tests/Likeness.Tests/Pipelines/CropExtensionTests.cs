using Likeness.Imaging.Codecs;
using Likeness.Pipelines;
using Likeness.Pipelines.Compose;
using Likeness.Pipelines.Generation;
using Likeness.Providers.Tests.Fakes;
using Likeness.Tests.Support;
using Xunit.Abstractions;

namespace Likeness.Tests.Pipelines;

/// <summary>
/// A close face crop extended to head and shoulders through a provider before compose; the loopback Gemini answers
/// with real photos, and the extension must pass the gate against the crop itself.
/// </summary>
public sealed class CropExtensionTests(ITestOutputHelper output) : IAsyncLifetime
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

    async Task<(ComposePipeline Pipeline, EncodedImage Crop)> SetUpAsync(int attempts = 2)
    {
        var engine = Engine.Require("isnet", "selfie-segmentation");
        var photo = TestModels.Photo(GatePhotos.LeoFront);
        var face = (await engine.Detector.DetectAsync(photo))[0];
        var crop = CloseCrops.Encode(CloseCrops.FaceFilled(photo, face, 250), "leo-crop.png");
        var gate = new GenerationGate(engine);
        var generator = new GatedGenerator(_harness.Service(), _harness.Store, gate, new GatedGenerationOptions { MaxAttempts = attempts }, _harness.Clock);
        return (new ComposePipeline(engine, new ProviderCropExtender(engine, generator, gate, _harness.Context(), "gemini")), crop);
    }

    [SkippableFact]
    public async Task A_close_crop_is_extended_gated_and_composed_and_the_report_says_so()
    {
        var (pipeline, crop) = await SetUpAsync();
        _gemini.Replies.Enqueue(FakeReply.Image(GatePhotos.Raw("identity/angelina_jolie/img11.jpg")));
        _gemini.Replies.Enqueue(FakeReply.Image(GatePhotos.Raw(GatePhotos.LeoFront)));

        var result = await pipeline.ComposeAsync(crop, Engine.Sample("rocket.jpg"), null, new ComposeOptions());
        foreach (var w in result.Report.Warnings) output.WriteLine(w);

        Assert.Equal("gemini outpainting", result.Report.ExtendedBy);
        Assert.NotEqual("close-crop", result.Report.Framing);
        Assert.Contains(result.Report.Warnings, w => w.Contains("extended to") && w.Contains("likeness gate"));
        Assert.Equal("gemini outpainting", result.Provenance.Parameters["extended-by"]);
        Assert.Equal(2, _gemini.GenerateCalls.Count);
        var first = FakeGemini.PromptOf(_gemini.GenerateCalls[0]);
        Assert.Contains("Outpaint this photo", first);
        Assert.Contains(PromptCorrections.SamePerson, FakeGemini.PromptOf(_gemini.GenerateCalls[1]));
        Assert.Equal(2, FakeGemini.ImagesIn(_gemini.GenerateCalls[0])); // the grey canvas and the crop as reference
    }

    [SkippableFact]
    public async Task When_no_extension_passes_the_crop_is_refused_with_the_attempts_reasons()
    {
        var (pipeline, crop) = await SetUpAsync();
        _gemini.Replies.Enqueue(FakeReply.Image(GatePhotos.Raw(GatePhotos.Couple)));
        _gemini.Replies.Enqueue(FakeReply.Image(GatePhotos.Raw("identity/angelina_jolie/img11.jpg")));

        var e = await Assert.ThrowsAsync<ComposeRefusedException>(() => pipeline.ComposeAsync(crop, Engine.Sample("rocket.jpg"), null, new ComposeOptions()));
        output.WriteLine(e.Message);

        Assert.Equal(ComposeRefusal.CloseCrop, e.Reason);
        Assert.Contains("extending it through gemini outpainting failed", e.Message);
        Assert.Contains("people in the image", e.Message);
        Assert.Contains("another person", e.Message);
        Assert.Contains("use a photo that shows the head and shoulders", e.Message);
    }

    [SkippableFact]
    public async Task An_extension_that_is_still_a_close_crop_does_not_pass()
    {
        var (pipeline, crop) = await SetUpAsync(attempts: 1);
        var engine = Engine.Require();
        var photo = TestModels.Photo(GatePhotos.LeoFront);
        var still = CloseCrops.FaceFilled(photo, (await engine.Detector.DetectAsync(photo))[0], 600);
        _gemini.Replies.Enqueue(FakeReply.Image(ImageCodec.Encode(still, ImageFormat.Png)));

        var e = await Assert.ThrowsAsync<ComposeRefusedException>(() => pipeline.ComposeAsync(crop, Engine.Sample("rocket.jpg"), null, new ComposeOptions()));
        output.WriteLine(e.Message);
        Assert.Contains("still a close crop", e.Message);
    }
}
