using System.Numerics;
using Likeness.Compositing;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Color;

namespace Likeness.Tests.Compositing;

public class CompositorTests
{
    static (RgbaImage Person, FloatPlane Alpha) BluePersonOnGrey()
    {
        var person = RgbaImage.Filled(100, 100, new Rgba32(128, 128, 128));
        var alpha = new FloatPlane(100, 100);
        for (int y = 20; y < 100; y++) for (int x = 30; x < 70; x++) { alpha[x, y] = 1; person[x, y] = new Rgba32(40, 60, 200); }
        return (person, alpha);
    }

    [Fact]
    public void Harmonisation_moves_the_person_statistics_toward_the_scene()
    {
        var (person, alpha) = BluePersonOnGrey();
        var scene = RgbaImage.Filled(200, 100, new Rgba32(230, 150, 60)); // warm orange scene
        var layout = PersonLayout.From(alpha, null);
        var placement = PlacementPlanner.Explicit(layout, 200, 100, new PersonPosition(0.5, 0.6, 0.8));

        var none = Compositor.Render(scene, person, alpha, placement, new CompositeOptions { Harmonize = 0, LightWrap = 0, Shadow = new() { Enabled = false } });
        var half = Compositor.Render(scene, person, alpha, placement, new CompositeOptions { Harmonize = 0.5f, LightWrap = 0, Shadow = new() { Enabled = false } });
        var full = Compositor.Render(scene, person, alpha, placement, new CompositeOptions { Harmonize = 1, LightWrap = 0, Shadow = new() { Enabled = false } });

        var sceneLab = ColorStatistics.Lab(scene).Mean;
        float Distance(CompositeResult r) => Vector3.Distance(ColorStatistics.Lab(r.Image, r.PersonMask).Mean, sceneLab);
        Assert.True(Distance(half) < Distance(none) * 0.7, $"half {Distance(half)} vs none {Distance(none)}");
        Assert.True(Distance(full) < Distance(half), $"full {Distance(full)} vs half {Distance(half)}");
        Assert.True(Distance(full) < 3, $"full harmonisation reaches the scene mean ({Distance(full)})");
    }

    [Fact]
    public void The_shadow_darkens_the_scene_beside_the_person_only_where_the_light_throws_it()
    {
        var (person, alpha) = BluePersonOnGrey();
        var scene = RgbaImage.Filled(200, 100, new Rgba32(200, 200, 200));
        var placement = PlacementPlanner.Explicit(PersonLayout.From(alpha, null), 200, 100, new PersonPosition(0.5, 0.55, 0.8));
        var shadowRight = new ShadowOptions { DirectionDegrees = 0, Length = 0.1f, Softness = 0.02f, Opacity = 0.5f };
        var r = Compositor.Render(scene, person, alpha, placement, new CompositeOptions { Harmonize = 0, LightWrap = 0, Shadow = shadowRight });
        // Person spans x 80..120 in the scene; the shadow is thrown 8 px to the right.
        Assert.True(r.Image[124, 60].R < 170, $"right of the person is darkened ({r.Image[124, 60].R})");
        Assert.Equal(200, r.Image[74, 60].R); // left of the person untouched
        Assert.Equal(200, r.Image[10, 10].R);
    }

    [Theory]
    [InlineData(0.5, 0.55, 60)]   // inside the scene
    [InlineData(0.05, 1.0, 180)]  // cut by the left and bottom edges, shadow thrown left out of the frame
    [InlineData(0.95, 0.5, -45)]  // at the right edge, shadow thrown up
    public void The_shadow_fades_smoothly_with_no_hard_edge_anywhere(double x, double y, float direction)
    {
        // The shadow is computed in a window around the person; a window that is too small would cut it off
        // with a visible step. On a flat scene every step between neighbours outside the person stays small.
        var (person, alpha) = BluePersonOnGrey();
        var scene = RgbaImage.Filled(400, 200, new Rgba32(200, 200, 200));
        var placement = PlacementPlanner.Explicit(PersonLayout.From(alpha, null), 400, 200, new PersonPosition(x, y, 0.9));
        var shadow = new ShadowOptions { DirectionDegrees = direction, Length = 0.15f, Softness = 0.05f, Opacity = 0.8f };
        var r = Compositor.Render(scene, person, alpha, placement, new CompositeOptions { Harmonize = 0, LightWrap = 0, Shadow = shadow });
        int darkened = 0, maxStep = 0;
        for (int py = 1; py < 200; py++)
        for (int px = 1; px < 400; px++)
        {
            if (r.PersonMask[px, py] > 0 || r.PersonMask[px - 1, py] > 0 || r.PersonMask[px, py - 1] > 0) continue;
            if (r.Image[px, py].R < 200) darkened++;
            maxStep = Math.Max(maxStep, Math.Max(Math.Abs(r.Image[px, py].R - r.Image[px - 1, py].R), Math.Abs(r.Image[px, py].R - r.Image[px, py - 1].R)));
        }
        Assert.True(darkened > 500, $"a shadow was drawn ({darkened} px)");
        Assert.True(maxStep <= 12, $"largest step between neighbours outside the person: {maxStep}");
    }

    [Fact]
    public void Light_wrap_tints_only_the_person_edge_with_the_nearby_scene()
    {
        var (person, alpha) = BluePersonOnGrey();
        var scene = RgbaImage.Filled(200, 100, new Rgba32(250, 250, 0));
        var placement = PlacementPlanner.Explicit(PersonLayout.From(alpha, null), 200, 100, new PersonPosition(0.5, 0.6, 0.8));
        var plain = Compositor.Render(scene, person, alpha, placement, new CompositeOptions { Harmonize = 0, LightWrap = 0, Shadow = new() { Enabled = false } });
        var wrapped = Compositor.Render(scene, person, alpha, placement, new CompositeOptions { Harmonize = 0, LightWrap = 1, Shadow = new() { Enabled = false } });
        // Person spans x 80..120: the edge column takes the scene's yellow, the centre keeps the person's blue.
        Assert.True(wrapped.Image[81, 60].R > plain.Image[81, 60].R + 20, $"edge {plain.Image[81, 60]} -> {wrapped.Image[81, 60]}");
        Assert.Equal(plain.Image[100, 60], wrapped.Image[100, 60]);
        Assert.Equal(plain.Image[10, 10], wrapped.Image[10, 10]);
    }

    [Fact]
    public void Person_pixels_land_where_the_placement_says()
    {
        var (person, alpha) = BluePersonOnGrey();
        var scene = RgbaImage.Filled(200, 100, new Rgba32(0, 0, 0));
        var placement = PlacementPlanner.Explicit(PersonLayout.From(alpha, null), 200, 100, new PersonPosition(0.25, 0.6, 0.8));
        var r = Compositor.Render(scene, person, alpha, placement, new CompositeOptions { Harmonize = 0, LightWrap = 0, Shadow = new() { Enabled = false } });
        Assert.Equal(new Rgba32(40, 60, 200), r.Image[50, 60]);
        Assert.Equal(new Rgba32(0, 0, 0), r.Image[150, 60]);
        Assert.InRange(r.PersonMask[50, 60], 0.99f, 1f);
    }

    [Fact]
    public void Background_replacement_keeps_the_person_and_fills_the_rest()
    {
        var (person, alpha) = BluePersonOnGrey();
        var white = RgbaImage.Filled(1, 1, new Rgba32(255, 255, 255));
        var r = Compositor.ReplaceBackground(person, alpha, white);
        Assert.Equal(100, r.Width);
        Assert.Equal(new Rgba32(255, 255, 255), r[5, 5]);
        Assert.Equal(new Rgba32(40, 60, 200), r[50, 50]);
    }

    [Fact]
    public void Cover_crop_keeps_the_focus_and_stays_inside()
    {
        Assert.Equal(new Rect(656, 0, 608, 1080), ExportPresets.CoverCrop(1920, 1080, 1080, 1920, new Vector2(960, 500)));
        Assert.Equal(new Rect(0, 0, 608, 1080), ExportPresets.CoverCrop(1920, 1080, 1080, 1920, new Vector2(10, 500)));
        Assert.Equal(new Rect(420, 0, 1080, 1080), ExportPresets.CoverCrop(1920, 1080, 1000, 1000, null));
        var img = ExportPresets.Cover(RgbaImage.Filled(1920, 1080, new Rgba32(1, 2, 3)), 1080, 1350, null);
        Assert.Equal((1080, 1350), (img.Width, img.Height));
        Assert.Throws<LikenessException>(() => ExportPresets.Get("myspace"));
        Assert.Equal((1200, 1200), ExportPresets.Get("tokopedia"));
    }

    [Theory]
    [InlineData(ImageFormat.Png)]
    [InlineData(ImageFormat.Jpeg)]
    [InlineData(ImageFormat.WebP)]
    public void Provenance_round_trips_through_every_format(ImageFormat format)
    {
        var record = ProvenanceRecord.Create("compose",
            new Dictionary<string, string> { ["person"] = new string('a', 64), ["scene"] = new string('b', 64) },
            new Dictionary<string, string> { ["isnet"] = "b6e8497b" },
            new Dictionary<string, string> { ["harmonize"] = "0.5", ["note"] = "<&\"quotes\">" });
        var bytes = ImageCodec.Encode(RgbaImage.Filled(16, 16, new Rgba32(9, 9, 9)), format, new EncodeOptions { Metadata = record.ToMetadata(format) });
        var back = ProvenanceRecord.Read(bytes);
        Assert.NotNull(back);
        Assert.Equal("compose", back!.Operation);
        Assert.Equal(new string('b', 64), back.InputSha256["scene"]);
        Assert.Equal("<&\"quotes\">", back.Parameters["note"]);
        Assert.Contains(ProvenanceRecord.DigitalSourceType, ImageMetadata.ReadXmp(bytes));
        if (format == ImageFormat.Png) Assert.Equal(ProvenanceRecord.Statement, ImageMetadata.ReadPngText(bytes)["Description"]);
        Assert.Null(ProvenanceRecord.Read(ImageCodec.Encode(RgbaImage.Filled(4, 4, new Rgba32(1, 1, 1)), format)));
    }
}
