using Likeness.Compositing;
using Likeness.Imaging;
using Likeness.Imaging.Blending;
using Likeness.Tests.Vision;
using Xunit.Abstractions;

namespace Likeness.Tests.Compositing;

/// <summary>The matte's soft edge takes the person's colour, not the old background's (no halo).</summary>
public sealed class ForegroundColoursTests(MattingFixture mattes, ITestOutputHelper output) : IClassFixture<MattingFixture>
{
    [Fact]
    public void A_red_disc_photographed_on_white_gets_red_edges_and_nothing_else_changes()
    {
        const int size = 200;
        var (red, white) = (new Rgba32(220, 20, 30), new Rgba32(250, 250, 250));
        var image = new RgbaImage(size, size);
        var alpha = new FloatPlane(size, size);
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
            {
                var r = MathF.Sqrt((x - 100) * (x - 100) + (y - 100) * (y - 100));
                var a = Math.Clamp((60 - r) / 8 + 0.5f, 0, 1);   // a soft edge 8 px wide around radius 60
                alpha[x, y] = a;
                image[x, y] = new Rgba32((byte)(red.R * a + white.R * (1 - a)), (byte)(red.G * a + white.G * (1 - a)), (byte)(red.B * a + white.B * (1 - a)), 255);
            }
        var result = ForegroundColours.Estimate(image, alpha);

        // On the edge at alpha 0.5 the camera saw pink (about 235, 135, 140); the person's colour there is red.
        var (edge, photo) = (result[160, 100], image[160, 100]);
        output.WriteLine($"alpha {alpha[160, 100]:0.00}: observed {photo}, estimated {edge}");
        Assert.InRange(alpha[160, 100], 0.4f, 0.6f);
        // Blur fusion is approximate: at least half of the white is taken out of every channel.
        Assert.True(Math.Abs(edge.G - red.G) < 0.5 * Math.Abs(photo.G - red.G) && Math.Abs(edge.B - red.B) < 0.5 * Math.Abs(photo.B - red.B) && edge.R > 180,
            $"edge estimated as {edge}, seen as {photo}");
        Assert.Equal(image[100, 100], result[100, 100]);   // inside: the photo
        Assert.Equal(image[5, 5], result[5, 5]);           // outside the matte: the photo
    }

    [SkippableFact]
    public async Task The_golfer_photographed_against_a_bright_sky_has_no_pale_halo_on_a_dark_scene()
    {
        var matted = await mattes.IsNet("fullbody/tf_pose/golf.jpg");
        var (photo, alpha) = (matted.Photo, matted.Result.Alpha);
        var dark = new RgbaImage(photo.Width, photo.Height);
        dark.Pixels.Fill(new Rgba32(20, 25, 45, 255));
        var plain = Compositor.ReplaceBackground(photo, alpha, dark, edgeColours: false);
        var fixedEdges = Compositor.ReplaceBackground(photo, alpha, dark, edgeColours: true);

        // The edge band, where the matte is neither person nor background: how bright it comes out on the dark scene.
        double before = 0, after = 0;
        var n = 0;
        for (var i = 0; i < alpha.Data.Length; i++)
        {
            if (alpha.Data[i] is <= 0.1f or >= 0.9f) continue;
            before += Luma(plain.Pixels[i]);
            after += Luma(fixedEdges.Pixels[i]);
            n++;
        }
        output.WriteLine($"{n} edge pixels; mean brightness on the dark scene {before / n:0.0} as photographed, {after / n:0.0} with the person's own colours");
        Assert.True(n > 1000, $"only {n} edge pixels");
        Assert.True(after < before * 0.8, $"edge brightness {before / n:0.0} -> {after / n:0.0}");
    }

    static double Luma(Rgba32 p) => 0.299 * p.R + 0.587 * p.G + 0.114 * p.B;
}
