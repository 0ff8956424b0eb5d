using Likeness.Compositing;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Pipelines.Compose;
using Likeness.Tests.Support;
using Xunit.Abstractions;

namespace Likeness.Tests.Pipelines;

public class ComposePipelineTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task The_bundled_sample_composes_with_the_face_intact_and_provenance_attached()
    {
        var engine = Engine.Require("isnet");
        var result = await new ComposePipeline(engine).ComposeAsync(Engine.Sample("astronaut.png"), Engine.Sample("rocket.jpg"), null, new ComposeOptions());
        var r = result.Report;
        output.WriteLine(System.Text.Json.JsonSerializer.Serialize(r));
        Assert.Equal((640, 427), (result.Image.Width, result.Image.Height));
        Assert.Empty(r.Warnings);
        Assert.InRange(r.FaceWidthFraction!.Value, 0.19, 0.21);
        Assert.True(r.IdentitySimilarity > 0.8, $"the composed face still matches ({r.IdentitySimilarity})");
        Assert.Equal("Front", r.View);
        Assert.InRange(r.MatteCoverage, 0.2, 0.8);
        Assert.Contains("isnet", r.Models.Keys);

        var png = ImageCodec.Encode(result.Image, ImageFormat.Png, new EncodeOptions { Metadata = result.Provenance.ToMetadata(ImageFormat.Png) });
        var back = ProvenanceRecord.Read(png)!;
        Assert.Equal(r.Inputs["person"], back.InputSha256["person"]);
        Assert.Equal(r.Models["isnet"], back.ModelSha256["isnet"]);
    }

    [SkippableFact]
    public async Task Background_replacement_keeps_the_photo_size_and_fills_the_background()
    {
        var engine = Engine.Require("selfie-segmentation");
        var bg = BackgroundSpec.Parse("#00FF00", _ => throw new InvalidOperationException());
        var result = await new ComposePipeline(engine).ComposeAsync(Engine.Sample("astronaut.png"), null, bg,
            new ComposeOptions { Matting = "fast" });
        Assert.Equal((512, 512), (result.Image.Width, result.Image.Height));
        var corner = result.Image[5, 5];
        Assert.True(corner.G > 200 && corner.R < 120 && corner.B < 120, $"top-left corner is the new background ({corner})");
        Assert.True(result.Report.IdentitySimilarity > 0.9);
    }

    [SkippableFact]
    public async Task Export_preset_and_explicit_placement_are_honoured()
    {
        var engine = Engine.Require("selfie-segmentation");
        var options = new ComposeOptions { Matting = "fast", Export = "ig-story", Position = new PersonPosition(0.3, 0.6, 0.7), Mode = ComposeMode.Mask };
        var result = await new ComposePipeline(engine).ComposeAsync(Engine.Sample("astronaut.png"), Engine.Sample("rocket.jpg"), null, options);
        Assert.Equal((1080, 1920), (result.Image.Width, result.Image.Height));
        Assert.Equal((1080, 1920), (result.PersonMask.Width, result.PersonMask.Height));
        Assert.Equal("explicit", result.Report.Placement!.Method);
        Assert.NotNull(result.Prompt);
        Assert.Contains("masked area", result.Prompt);
        Assert.True(result.PersonMask.Data.Count(a => a > 0.5f) > 10000, "the placement mask marks where the person goes");
    }

    [Fact]
    public async Task Scene_and_background_together_are_refused()
    {
        var pipeline = new ComposePipeline(null!);
        var img = new Likeness.Pipelines.EncodedImage("x.png", [1, 2, 3]);
        var bg = new BackgroundSpec(new Rgba32(1, 1, 1), null, "#010101");
        var e = await Assert.ThrowsAsync<LikenessException>(() => pipeline.ComposeAsync(img, img, bg, new ComposeOptions()));
        Assert.Contains("exactly one", e.Message);
    }

    [Theory]
    [InlineData("#12345")]
    [InlineData("#GGGGGG")]
    public void Bad_background_colours_explain_the_format(string text)
    {
        var e = Assert.Throws<LikenessException>(() => BackgroundSpec.Parse(text, _ => throw new InvalidOperationException()));
        Assert.Contains("#RRGGBB", e.Message);
    }
}
