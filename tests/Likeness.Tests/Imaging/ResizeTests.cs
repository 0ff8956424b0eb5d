using Likeness.Imaging;
using Likeness.Imaging.Transforms;
using static Likeness.Tests.Imaging.TestImages;

namespace Likeness.Tests.Imaging;

public class ResizeTests
{
    [Fact]
    public void Bilinear_2x2_to_4x4_is_pixel_centre_aligned()
    {
        var p = Plane(new float[,] { { 0, 100 }, { 200, 300 } });
        // Columns sample at -0.25, 0.25, 0.75, 1.25 (clamped), as OpenCV INTER_LINEAR.
        Equal([
            0, 25, 75, 100,
            50, 75, 125, 150,
            150, 175, 225, 250,
            200, 225, 275, 300,
        ], p.Resize(4, 4));
    }

    [Fact]
    public void Area_4x4_to_2x2_gives_exact_block_means()
    {
        Equal([2.5f, 4.5f, 10.5f, 12.5f], Counting(4, 4).Resize(2, 2, ResizeMethod.Area));
    }

    [Fact]
    public void Area_with_a_fractional_factor_weights_partial_pixels()
    {
        // 3 -> 2: outputs cover [0, 1.5) and [1.5, 3).
        var p = Plane(new float[,] { { 0, 3, 6 } });
        Equal([1, 5], p.Resize(2, 1, ResizeMethod.Area));
    }

    [Fact]
    public void Same_size_bilinear_is_the_identity()
    {
        var p = Counting(3, 3);
        Equal(p.Data, p.Resize(3, 3));
    }

    [Fact]
    public void Rgba_area_averages_bytes()
    {
        var img = new RgbaImage(2, 2);
        byte[] reds = [10, 20, 30, 41];
        for (int i = 0; i < 4; i++) img.Pixels[i] = new Rgba32(reds[i], 0, 0);
        Assert.Equal(new Rgba32(25, 0, 0), img.Resize(1, 1, ResizeMethod.Area)[0, 0]); // 25.25 rounds to 25
    }

    [Fact]
    public void Premultiplied_resize_keeps_transparent_colour_out()
    {
        var img = new RgbaImage(2, 1);
        img[0, 0] = new Rgba32(255, 0, 0, 255);
        img[1, 0] = new Rgba32(0, 255, 0, 0); // invisible green
        Assert.Equal(new Rgba32(255, 0, 0, 128), img.Resize(1, 1)[0, 0]);
        Assert.Equal(new Rgba32(128, 128, 0, 128), img.Resize(1, 1, premultiplyAlpha: false)[0, 0]);
    }

    [Fact]
    public void Large_ramp_downscale_is_exact_on_the_parallel_path()
    {
        // Big enough to be split across threads; a ramp f(x) = x halves to 2x + 0.5.
        var ramp = new FloatPlane(2048, 512);
        for (int y = 0; y < 512; y++)
            for (int x = 0; x < 2048; x++) ramp[x, y] = x;
        var half = ramp.Resize(1024, 256, ResizeMethod.Area);
        for (int y = 0; y < 256; y += 51)
            for (int x = 0; x < 1024; x += 97) Assert.Equal(2 * x + 0.5f, half[x, y]);
    }

    [Fact]
    public void Letterbox_mapping_round_trips_and_places_content()
    {
        var map = LetterboxMapping.Compute(200, 100, 64, 64);
        Assert.Equal(new Rect(0, 16, 64, 32), map.Content);
        var p = new System.Numerics.Vector2(50, 25);
        var t = map.ToTarget(p);
        Assert.Equal(16f, t.X, 4);
        Assert.Equal(24f, t.Y, 4);
        var back = map.ToSource(t);
        Assert.Equal(p.X, back.X, 4);
        Assert.Equal(p.Y, back.Y, 4);
    }

    [Fact]
    public void Letterbox_fills_the_bars()
    {
        var blue = new Rgba32(0, 0, 255);
        var black = new Rgba32(0, 0, 0);
        var (img, map) = Letterbox.Apply(RgbaImage.Filled(4, 2, blue), 4, 4, black);
        Assert.Equal((0, 1), (map.OffsetX, map.OffsetY));
        for (int x = 0; x < 4; x++)
        {
            Assert.Equal(black, img[x, 0]);
            Assert.Equal(blue, img[x, 1]);
            Assert.Equal(blue, img[x, 2]);
            Assert.Equal(black, img[x, 3]);
        }
        var (topLeft, _) = Letterbox.Apply(RgbaImage.Filled(4, 2, blue), 4, 4, black, center: false);
        Assert.Equal(blue, topLeft[0, 0]);
        Assert.Equal(black, topLeft[0, 2]);
    }

    [Theory]
    [InlineData(1024, 1024, false)] // enlarged, as ISNet's input from the sample
    [InlineData(300, 200, false)]   // shrunk, with a fractional factor
    [InlineData(700, 700, true)]    // with transparent parts: no colour where alpha rounds to 0
    public void Resizing_into_a_tensor_matches_resizing_then_converting_within_half_a_level(int width, int height, bool cutOut)
    {
        var photo = Likeness.Imaging.Codecs.ImageCodec.Load(Path.Combine(Likeness.Tests.Support.TestPaths.RepoRoot, "samples", "astronaut.png"));
        if (cutOut)
            for (int y = 0; y < photo.Height; y++)
                for (int x = 0; x < photo.Width / 3; x++)
                    photo[x, y] = photo[x, y] with { A = (byte)(x * 255 / (photo.Width / 3)) };
        var norm = new Likeness.Imaging.Tensors.TensorNormalization(1f / 256f, [0.5f, 0.5f, 0.5f], [1f, 1f, 1f]);
        var expected = new float[3 * width * height];
        Likeness.Imaging.Tensors.ImageTensor.ToTensor(photo.Resize(width, height, ResizeMethod.Area), expected,
            Likeness.Imaging.Tensors.TensorLayout.Nchw, Likeness.Imaging.Tensors.ChannelOrder.Rgb, norm);
        var fused = new float[3 * width * height];
        photo.ResizeToTensor(width, height, fused, norm, ResizeMethod.Area);
        float worst = 0;
        for (int i = 0; i < fused.Length; i++) worst = Math.Max(worst, Math.Abs(fused[i] - expected[i]));
        // Half a level is 0.5/256 here; alpha near 0.5 levels may round either way in the byte path, worth a little more.
        Assert.True(worst <= (cutOut ? 2.5f : 0.5f) / 256f + 1e-6f, $"differs by {worst * 256:0.000} levels");
        Assert.Contains(fused, v => v > 0.3f); // not blank
    }
}
