using Likeness.Imaging;
using Likeness.Imaging.Transforms;
using Likeness.Pipelines.Generation;
using Likeness.Pipelines.Themes;
using Likeness.Providers;
using Likeness.Providers.Tests.Fakes;
using Likeness.Tests.Support;
using Likeness.Vision;
using Xunit.Abstractions;

namespace Likeness.Tests.Pipelines;

/// <summary>
/// Themes: the catalogue, the masks on real photos, and the theme gate over real HTTP against a loopback fal.ai inpaint
/// that answers with pixels the test picks (the photo edited inside the mask, unchanged, someone else, reframed).
/// </summary>
public sealed class ThemeTests(ITestOutputHelper output) : IAsyncLifetime
{
    const string Jack = "identity/jack_dorsey/img17.jpg";
    const string Mark = "identity/mark_zuckerberg/img13.jpg";
    const string Angelina = "identity/angelina_jolie/img1.jpg";

    readonly Harness _harness = new();
    FakeFal _fal = null!;

    public async Task InitializeAsync()
    {
        _fal = await FakeFal.StartAsync(_harness.Clock);
        _fal.Script = ["COMPLETED"];
        _harness.AddFal(_fal);
    }

    public async Task DisposeAsync()
    {
        await _fal.DisposeAsync();
        _harness.Dispose();
    }

    [Fact]
    public void The_catalogue_has_the_hijab_styles_accessories_outfits_twelve_professions_and_backgrounds()
    {
        var themes = ThemeCatalog.Themes;
        Assert.Equal(5, themes.Count(t => t.Kind == "head-covering"));
        Assert.True(themes.Count(t => t.Kind == "profession") >= 12);
        foreach (var id in new[] { "doctor", "pilot", "chef", "teacher", "jewelry-necklace", "bag-shoulder", "watch-wrist", "sunglasses",
                     "outfit-casual", "outfit-formal", "outfit-traditional", "background-studio", "background-outdoor", "background-office", "background-cafe" })
            Assert.Equal(id, ThemeCatalog.Get(id).Id);
        Assert.All(themes, t => Assert.Contains(t.Kind, ThemeCatalog.Kinds));
        Assert.All(themes, t => Assert.NotEmpty(t.Regions));
        Assert.Contains("likeness theme list", Assert.Throws<LikenessException>(() => ThemeCatalog.Get("astronaut-suit")).Message);
    }

    static double Mass(FloatPlane mask, Func<int, int, bool> where)
    {
        double inside = 0;
        for (int y = 0; y < mask.Height; y++)
            for (int x = 0; x < mask.Width; x++)
                if (where(x, y)) inside += mask[x, y];
        return inside;
    }

    static double Total(FloatPlane mask) => mask.Data.Sum(v => (double)v);

    [SkippableTheory]
    [InlineData(Jack)]
    [InlineData(Mark)]
    [InlineData("portraits/skimage/astronaut.png")]
    public async Task Masks_on_real_photos_keep_the_face_out_and_put_clothes_hair_and_neck_where_they_are(string photo)
    {
        var engine = Engine.Require("skin-clothes-hair");
        var image = TestModels.Photo(photo);
        var masks = new ThemeMasks(engine);

        var formal = await masks.BuildAsync(image, ThemeCatalog.Get("outfit-formal"));
        var face = formal.Face.Box;
        bool InFace(int x, int y) => x >= face.X + 0.2f * face.Width && x <= face.Right - 0.2f * face.Width && y >= face.Y + 0.2f * face.Height && y <= face.Bottom - 0.1f * face.Height;
        var clothes = formal.Regions[ThemeRegion.Clothes];
        double belowChin = Mass(clothes, (_, y) => y > face.Bottom - 0.05f * face.Height) / Total(clothes);
        output.WriteLine($"{photo}: clothes mass below the chin {belowChin:P0}, combined coverage {formal.Coverage:P1}");
        Assert.True(belowChin >= 0.9, $"clothes mask below the chin: {belowChin:P0}");
        Assert.Equal(0, Mass(formal.Combined, InFace), 3);

        var hijab = await masks.BuildAsync(image, ThemeCatalog.Get("hijab-modern"));
        var hair = (await masks.BuildAsync(image, ThemeCatalog.Get("hijab-turban"))).Regions[ThemeRegion.Hair];
        // The hairline band: just above the detector box (which starts at the brows), across the middle of the head.
        float bandTop = Math.Max(0, face.Y - 0.2f * face.Height), bandBottom = face.Y;
        double hairline = Mass(hair, (x, y) => y >= bandTop && y < bandBottom && Math.Abs(x - face.CenterX) < 0.3f * face.Width) / ((bandBottom - bandTop) * 0.6 * face.Width);
        double neck = Mass(hijab.Combined, (x, y) => y > face.Bottom + 0.1f * face.Height && y < face.Bottom + 0.5f * face.Height && Math.Abs(x - face.CenterX) < 0.3f * face.Width);
        double neckArea = 0.4 * face.Height * 0.6 * face.Width;
        output.WriteLine($"{photo}: hair mask covers {hairline:P0} of the hairline band; head covering covers {neck / neckArea:P0} of the neck under the chin");
        Assert.True(hairline >= 0.6, $"hair mask over the hairline: {hairline:P0}");
        Assert.True(neck / neckArea >= 0.6, "a hijab covers the neck");
        Assert.Equal(0, Mass(hijab.Combined, InFace), 3);
    }

    [SkippableFact]
    public async Task Background_and_sunglasses_masks_leave_the_person_and_the_rest_of_the_face_alone()
    {
        var engine = Engine.Require("skin-clothes-hair");
        var image = TestModels.Photo(Mark);
        var masks = new ThemeMasks(engine);
        var background = await masks.BuildAsync(image, ThemeCatalog.Get("background-studio"));
        var f = background.Face.Box;
        Assert.True(background.Combined[2, 2] > 0.9f, "a corner of the photo is background");
        Assert.Equal(0, background.Combined[(int)f.CenterX, (int)f.CenterY], 2);
        Assert.Equal(0, background.Combined[(int)f.CenterX, Math.Min(image.Height - 1, (int)(f.Bottom + 1.5f * f.Height))], 2); // the chest

        var sunglasses = await masks.BuildAsync(image, ThemeCatalog.Get("sunglasses"));
        var eye = sunglasses.Face.LeftEye;
        Assert.True(sunglasses.Combined[(int)eye.X, (int)eye.Y] > 0.9f, "the eyes may change");
        Assert.Equal(0, sunglasses.Combined[(int)sunglasses.Face.Nose.X, (int)(sunglasses.Face.Nose.Y + 0.2f * f.Height)], 2);
        Assert.True(sunglasses.Coverage < 0.05, $"sunglasses change {sunglasses.Coverage:P1} of the photo");
    }

    [SkippableFact]
    public async Task In_a_group_the_theme_stays_on_one_person_and_a_new_background_is_refused()
    {
        var engine = Engine.Require("skin-clothes-hair");
        var couple = TestModels.Photo("fullbody/face_recognition/kit_with_rose.jpg");
        var masks = new ThemeMasks(engine);
        var chef = await masks.BuildAsync(couple, ThemeCatalog.Get("chef"));
        var faces = await engine.Detector.DetectAsync(couple);
        var neighbour = faces.First(f => f != faces[0]).Box;
        // The neighbour's chest (one face height below her chin) is hers, not the themed person's.
        double neighbourChest = Mass(chef.Combined, (x, y) => Math.Abs(x - neighbour.CenterX) < 0.5f * neighbour.Width
            && y > neighbour.Bottom + 0.5f * neighbour.Height && y < neighbour.Bottom + 2.5f * neighbour.Height);
        output.WriteLine($"chef mask on the neighbour's chest: {neighbourChest:0}; coverage {chef.Coverage:P1}");
        Assert.Equal(0, neighbourChest, 0);
        Assert.True(chef.Coverage > 0.1);

        var e = await Assert.ThrowsAsync<LikenessException>(() => masks.BuildAsync(couple, ThemeCatalog.Get("background-studio")));
        Assert.Contains("2 people", e.Message);
        Assert.Contains("Crop the photo to one person", e.Message);
    }

    /// <summary>The photo with every masked pixel's colour inverted: a real, visible edit in exactly the allowed region.</summary>
    static RgbaImage EditedInside(RgbaImage photo, FloatPlane mask)
    {
        var edited = photo.Clone();
        var pixels = edited.Pixels;
        for (int i = 0; i < pixels.Length; i++)
            if (mask.Data[i] > 0.5f) pixels[i] = new Rgba32((byte)(255 - pixels[i].R), (byte)(255 - pixels[i].G), (byte)(255 - pixels[i].B));
        return edited;
    }

    [SkippableFact]
    public async Task The_theme_gate_passes_a_real_edit_and_refuses_no_change_another_face_and_a_reframed_photo()
    {
        var engine = Engine.Require("skin-clothes-hair");
        var photo = TestModels.Photo(Jack);
        var theme = ThemeCatalog.Get("outfit-formal");
        var masks = await new ThemeMasks(engine).BuildAsync(photo, theme);
        var gate = new GenerationGate(engine);
        var generator = new GatedGenerator(_harness.Service(), _harness.Store, gate, new GatedGenerationOptions { MaxAttempts = 4 }, _harness.Clock);
        var themes = new ThemeApplication(engine, generator);

        _fal.ImageReplies.Enqueue(GatePhotos.Png(photo));                                                          // nothing changed
        _fal.ImageReplies.Enqueue(GatePhotos.Png(TestModels.Photo(Angelina).Resize(photo.Width, photo.Height)));   // another face
        _fal.ImageReplies.Enqueue(GatePhotos.Png(photo.Crop(new Rect(0, 0, photo.Width / 2, photo.Height))));      // reframed
        _fal.ImageReplies.Enqueue(GatePhotos.Png(EditedInside(photo, masks.Combined)));                             // the edit

        var result = await themes.ApplyAsync(photo, theme, masks, _harness.Context());
        foreach (var a in result.Outcome.Attempts) output.WriteLine($"#{a.Number}: {a.Verdict.Summary}");

        Assert.Equal(4, result.Outcome.Attempts.Count);
        Assert.Contains("unchanged", result.Outcome.Attempts[0].Verdict.Summary);
        Assert.False(result.Outcome.Attempts[0].Verdict.Failed(GateChecks.Identity));
        Assert.Contains("the face changed", result.Outcome.Attempts[1].Verdict.Summary);
        Assert.Contains("reframed", result.Outcome.Attempts[2].Verdict.Summary);
        Assert.True(result.Outcome.Attempts[3].Passed);
        Assert.True(result.Outcome.Winner.Verdict.Similarity >= 0.8f);

        // fal got the inpaint: the photo, a mask that is white on the clothes and black on the face, and the theme's prompt.
        var job = _fal.Jobs.Values.OrderBy(j => j.Id).First();
        Assert.Equal("fal-ai/flux-lora/inpainting", job.Model);
        Assert.Contains("tailored dark suit", job.Input["prompt"]!.GetValue<string>());
        var maskUrl = job.Input["mask_url"]!.GetValue<string>();
        var sent = Likeness.Imaging.Codecs.ImageCodec.Decode(_fal.Uploads[maskUrl[(maskUrl.LastIndexOf('/') + 1)..]], "mask");
        var f = masks.Face.Box;
        Assert.Equal(0, sent[(int)f.CenterX, (int)f.CenterY].R);
        var prompts = _fal.Jobs.Values.OrderBy(j => j.Id).Select(j => j.Input["prompt"]!.GetValue<string>()).ToList();
        Assert.Contains("clearly visible inside the edited area", prompts[1]);
    }
}
