using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Filters;
using Likeness.Imaging.Transforms;
using Likeness.Pipelines;
using Likeness.Pipelines.Check;
using Likeness.Tests.Support;
using Xunit.Abstractions;

namespace Likeness.Tests.Pipelines;

public class CheckPipelineTests(ITestOutputHelper output)
{
    static EncodedImage Png(string name, RgbaImage img) => new(name, ImageCodec.Encode(img, ImageFormat.Jpeg, new EncodeOptions { Quality = 95 }));

    static async Task<SetCheckResult> Check(params EncodedImage[] photos)
    {
        var result = await new PhotoCheckPipeline(Engine.Require()).CheckAsync(photos);
        return result;
    }

    void Show(SetCheckResult r)
    {
        foreach (var p in r.Photos)
            output.WriteLine($"{p.Photo}: usable={p.Usable} {System.Text.Json.JsonSerializer.Serialize(p.Measurements)} {string.Join("; ", p.Findings.Select(f => f.Rule + ": " + f.Message))}");
        foreach (var f in r.SetFindings) output.WriteLine($"set {f.Rule} {f.Severity}: {f.Message}");
    }

    [SkippableFact]
    public async Task Good_photos_of_one_person_pass_and_the_set_is_checked()
    {
        var r = await Check(Engine.Shared("identity/angelina_jolie/img1.jpg"), Engine.Shared("identity/angelina_jolie/img6.jpg"), Engine.Shared("identity/angelina_jolie/img11.jpg"));
        Show(r);
        Assert.All(r.Photos, p => Assert.True(p.Usable, $"{p.Photo}: {string.Join("; ", p.Findings.Select(f => f.Message))}"));
        Assert.True(r.AllUsable);
        Assert.All(r.Photos, p => Assert.True(p.Measurements!.SimilarityToOthers > 0.411));
        Assert.Contains(r.SetFindings, f => f.Rule == "profile" && f.Severity == CheckSeverity.Warning);
    }

    [SkippableFact]
    public async Task Someone_else_in_the_set_is_flagged_as_the_outlier()
    {
        var r = await Check(Engine.Shared("identity/angelina_jolie/img1.jpg"), Engine.Shared("identity/angelina_jolie/img6.jpg"),
            Engine.Shared("identity/angelina_jolie/img11.jpg"), Engine.Shared("identity/mark_zuckerberg/img13.jpg"));
        Show(r);
        var outlier = Assert.Single(r.SetFindings, f => f.Rule == "same-person");
        Assert.Contains("img13.jpg", outlier.Message);
        Assert.False(r.AllUsable);
    }

    [SkippableFact]
    public async Task Each_photo_rule_fails_on_a_photo_that_breaks_it()
    {
        var good = TestModels.Photo("identity/angelina_jolie/img11.jpg"); // 600x800 frontal
        var small = good.Resize(300, 400);
        var blurred = good.GaussianBlur(6);
        var dark = good.Clone();
        for (int i = 0; i < dark.Data.Length; i++) if (i % 4 != 3) dark.Data[i] = (byte)(dark.Data[i] / 8);
        var r = await Check(
            Png("small.jpg", small), Png("blurred.jpg", blurred), Png("dark.jpg", dark),
            Engine.Sample("rocket.jpg"), Engine.Shared("portraits/deepface/couple.jpg"),
            new EncodedImage("notes.txt", "not an image at all"u8.ToArray()),
            new EncodedImage("truncated.jpg", ImageCodec.Encode(good, ImageFormat.Jpeg)[..5000]));
        Show(r);
        string[] Rules(string photo) => r.Photos.Single(p => p.Photo == photo).Findings.Where(f => f.Severity == CheckSeverity.Error).Select(f => f.Rule).ToArray();
        Assert.Contains("resolution", Rules("small.jpg"));
        Assert.Contains("sharpness", Rules("blurred.jpg"));
        Assert.Contains("exposure", Rules("dark.jpg"));
        Assert.Contains("face", Rules("rocket.jpg"));
        Assert.Contains("one-face", Rules("couple.jpg"));
        Assert.Contains("format", Rules("notes.txt"));
        Assert.Contains("decode", Rules("truncated.jpg"));
        Assert.All(r.Photos.SelectMany(p => p.Findings), f => Assert.False(string.IsNullOrWhiteSpace(f.Fix)));
    }

    [SkippableFact]
    public async Task Oversized_files_and_small_faces_fail_their_rules()
    {
        var pipeline = new PhotoCheckPipeline(Engine.Require(), new PhotoCheckRules { MaxBytes = 50_000, MinFaceWidth = 400 });
        var r = await pipeline.CheckAsync([Engine.Shared("identity/angelina_jolie/img11.jpg")]);
        Show(r);
        var rules = r.Photos[0].Findings.Select(f => f.Rule).ToArray();
        Assert.Contains("size", rules);
        Assert.Contains("face-size", rules);
    }

    [SkippableFact]
    public async Task Check_names_the_framing_and_warns_about_a_close_crop()
    {
        var engine = Engine.Require();
        var photo = Likeness.Imaging.Codecs.ImageCodec.Load(TestPaths.TestDataFile("identity/angelina_jolie/img6.jpg"));
        var crop = CloseCrops.FaceFilled(photo, (await engine.DominantFaceAsync(photo))!, 600);
        var result = await new PhotoCheckPipeline(engine).CheckAsync([Engine.Shared("identity/angelina_jolie/img6.jpg"), CloseCrops.Encode(crop, "crop.png")]);
        Assert.Equal("head-and-shoulders", result.Photos[0].Measurements!.Framing);
        Assert.DoesNotContain(result.Photos[0].Findings, f => f.Rule == "framing");
        Assert.Equal("close-crop", result.Photos[1].Measurements!.Framing);
        var warning = Assert.Single(result.Photos[1].Findings, f => f.Rule == "framing");
        Assert.Equal(CheckSeverity.Warning, warning.Severity);
        Assert.Contains("top of the head", warning.Message);
    }
}
