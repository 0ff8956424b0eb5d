using Likeness.Imaging;
using Likeness.Imaging.Filters;
using static Likeness.Tests.Imaging.TestImages;

namespace Likeness.Tests.Imaging;

public class GuidedFilterTests
{
    static readonly FloatPlane Ramp = Plane(new float[,] { { 0, 3, 6 } });

    [Fact]
    public void Constant_guide_reduces_to_a_box_mean_of_box_means()
    {
        // a = 0 everywhere, b = box(p) = [1.5, 3, 4.5], q = box(b) = [2.25, 3, 3.75].
        var guide = new FloatPlane(3, 1, [0.4f, 0.4f, 0.4f]);
        Equal([2.25f, 3f, 3.75f], GuidedFilter.Apply(guide, Ramp, 1, 1e-6f), 1e-4f);
        var grey = RgbaImage.Filled(3, 1, new Rgba32(90, 90, 90));
        Equal([2.25f, 3f, 3.75f], GuidedFilter.Apply(grey, Ramp, 1, 1e-6f), 1e-4f);
    }

    [Fact]
    public void Self_guided_with_tiny_eps_keeps_a_step_edge()
    {
        var step = Plane(new float[,] { { 0, 0, 0, 1, 1, 1 } });
        Equal(step.Data, GuidedFilter.Apply(step, step, 1, 1e-8f), 1e-4f);
    }

    [Fact]
    public void Colour_guide_follows_a_hue_edge_of_equal_luma()
    {
        // Red and green halves; the input is a soft ramp that should snap to the colour edge.
        var guide = new RgbaImage(6, 1);
        for (int x = 0; x < 6; x++) guide[x, 0] = x < 3 ? new Rgba32(200, 0, 0) : new Rgba32(0, 102, 0); // luma 59.8 vs 59.9
        var soft = Plane(new float[,] { { 0, 0, 0.3f, 0.7f, 1, 1 } });
        var q = GuidedFilter.Apply(guide, soft, 1, 1e-6f);
        // Windows inside one colour see a flat guide, so their output is the local mean of the input.
        Assert.True(q[2, 0] < 0.25f && q[3, 0] > 0.75f, $"edge not sharpened: {q[2, 0]}, {q[3, 0]}");
    }

    [Fact]
    public void Upsample_sharpens_the_edge_to_the_full_resolution_guide()
    {
        // Low-res coefficients (r = 1): mean a = [1/2, 2/3, 2/3, 1/2], mean b = [0, 0, 1/3, 1/2];
        // bilinear to 8 wide gives a = 2/3, b = 1/12 at x = 3 and b = 1/4 at x = 4.
        var guide = Plane(new float[,] { { 0, 0, 0, 0, 1, 1, 1, 1 } });
        var low = Plane(new float[,] { { 0, 0, 1, 1 } });
        float[] expected = [0, 0, 0, 1 / 12f, 11 / 12f, 1, 1, 1];
        Equal(expected, GuidedFilter.Upsample(guide, low, 2, 1e-6f), 1e-4f);

        var colour = new RgbaImage(8, 1);
        for (int x = 0; x < 8; x++) colour[x, 0] = x < 4 ? new Rgba32(0, 0, 0) : new Rgba32(255, 255, 255);
        Equal(expected, GuidedFilter.Upsample(colour, low, 2, 1e-6f), 1e-3f);
    }

    [Fact]
    public void Upsample_of_a_constant_alpha_stays_constant()
    {
        var guide = new RgbaImage(8, 6);
        for (int i = 0; i < guide.Pixels.Length; i++) guide.Pixels[i] = new Rgba32((byte)(i * 5), (byte)(i * 3), (byte)i);
        var low = new FloatPlane(4, 3);
        low.Data.AsSpan().Fill(0.7f);
        Assert.All(GuidedFilter.Upsample(guide, low, 2, 1e-3f).Data, v => Assert.Equal(0.7f, v, 4));
    }
}
