using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Color;

namespace Likeness.Tests.Imaging;

public class ColorTests
{
    [Fact]
    public void Sampled_Lab_statistics_match_the_full_ones_on_a_large_image()
    {
        var rnd = new Random(7);
        var img = new RgbaImage(1200, 1000);
        for (int y = 0; y < img.Height; y++)
        for (int x = 0; x < img.Width; x++)
            img[x, y] = new Rgba32((byte)(x * 255 / 1200), (byte)rnd.Next(60, 200), (byte)(y * 255 / 1000));
        var weights = new FloatPlane(1200, 1000);
        for (int y = 100; y < 900; y++) for (int x = 300; x < 1100; x++) weights[x, y] = (x - 299) / 800f;
        var full = ColorStatistics.Lab(img, weights);
        var sampled = ColorStatistics.Lab(img, weights, step: 2);
        Assert.True(System.Numerics.Vector3.Distance(full.Mean, sampled.Mean) < 0.5f, $"{full.Mean} vs {sampled.Mean}");
        Assert.True(System.Numerics.Vector3.Distance(full.StdDev, sampled.StdDev) < 0.5f, $"{full.StdDev} vs {sampled.StdDev}");
        Assert.InRange(sampled.TotalWeight, full.TotalWeight / 4 * 0.9, full.TotalWeight / 4 * 1.1);
    }

    [Fact]
    public void Srgb_curve_known_values()
    {
        Assert.Equal(0.214041f, Srgb.ToLinear(0.5f), 5);
        Assert.Equal(0.5f, Srgb.FromLinear(0.214041f), 4);
        Assert.Equal(0.01f / 12.92f, Srgb.ToLinear(0.01f), 7); // linear toe
        Assert.Equal(0f, Srgb.ByteToLinear(0));
        Assert.Equal(1f, Srgb.ByteToLinear(255));
    }

    [Fact]
    public void Every_byte_survives_linear_and_back()
    {
        for (int b = 0; b < 256; b++) Assert.Equal((byte)b, Srgb.LinearToByte(Srgb.ByteToLinear((byte)b)));
        Assert.Equal(0, Srgb.LinearToByte(-3));
        Assert.Equal(255, Srgb.LinearToByte(7));
    }

    [Theory]
    [InlineData(255, 255, 255, 100, 0, 0)]
    [InlineData(0, 0, 0, 0, 0, 0)]
    [InlineData(255, 0, 0, 53.24, 80.09, 67.20)]
    [InlineData(0, 255, 0, 87.73, -86.18, 83.18)]
    [InlineData(0, 0, 255, 32.30, 79.19, -107.86)]
    public void Lab_of_reference_colours(byte r, byte g, byte b, float l, float a, float bb)
    {
        var lab = CieLab.FromRgb(r, g, b);
        Assert.Equal(l, lab.L, 0.02f);
        Assert.Equal(a, lab.A, 0.02f);
        Assert.Equal(bb, lab.B, 0.02f);
    }

    [Fact]
    public void Lab_round_trips_bytes()
    {
        Rgba32[] colours = [new(255, 0, 0), new(12, 200, 99), new(128, 128, 128), new(3, 2, 250), new(250, 240, 5)];
        foreach (var c in colours) Assert.Equal(c, CieLab.ToRgb(CieLab.FromRgb(c)));
        Assert.Equal(77, CieLab.ToRgb(new Lab(50, 0, 0), 77).A);
    }

    [Fact]
    public void Weighted_channel_statistics()
    {
        var img = new RgbaImage(2, 1);
        img[0, 0] = new Rgba32(10, 0, 0);
        img[1, 0] = new Rgba32(30, 0, 0);
        var plain = ColorStatistics.Rgb(img);
        Assert.Equal(20f, plain.Mean.X, 4);
        Assert.Equal(10f, plain.StdDev.X, 4);
        // Weights 1 and 3: mean (10 + 90) / 4 = 25, variance (225 + 3 * 25) / 4 = 75.
        var weighted = ColorStatistics.Rgb(img, new FloatPlane(2, 1, [1, 3]));
        Assert.Equal(25f, weighted.Mean.X, 4);
        Assert.Equal(MathF.Sqrt(75), weighted.StdDev.X, 4);
        Assert.Equal(4, weighted.TotalWeight);
        Assert.True(ColorStatistics.Rgb(img, new FloatPlane(2, 1)).IsEmpty);
    }

    [Fact]
    public void Reinhard_map_moves_mean_and_scales_spread()
    {
        var source = new ChannelStatistics(new Vector3(50, 0, 0), new Vector3(10, 5, 5), 1);
        var target = new ChannelStatistics(new Vector3(60, 10, -10), new Vector3(20, 5, 10), 1);
        var full = new LabStatisticsTransfer(source, target, 1);
        Assert.Equal(new Lab(60, 10, -10), full.Map(new Lab(50, 0, 0)));
        Assert.Equal(new Lab(80, 15, -20), full.Map(new Lab(60, 5, -5)));
        var half = new LabStatisticsTransfer(source, target, 0.5f);
        Assert.Equal(new Lab(70, 10, -12.5f), half.Map(new Lab(60, 5, -5)));
        Assert.Equal(new Lab(60, 5, -5), new LabStatisticsTransfer(source, target, 0).Map(new Lab(60, 5, -5)));
    }

    [Fact]
    public void Transfer_on_an_image_reaches_the_target_mean_and_leaves_unmasked_pixels()
    {
        var img = new RgbaImage(3, 1);
        img[0, 0] = new Rgba32(120, 100, 90);
        img[1, 0] = new Rgba32(140, 110, 100, 200);
        img[2, 0] = new Rgba32(1, 2, 3);
        var mask = new FloatPlane(3, 1, [1, 1, 0]);
        var target = new ChannelStatistics(new Vector3(60, 8, 12), new Vector3(4, 2, 3), 1);

        new LabStatisticsTransfer(ColorStatistics.Lab(img, mask), target).Apply(img, mask);

        var after = ColorStatistics.Lab(img, mask);
        Assert.Equal(60f, after.Mean.X, 0.5f); // within byte rounding
        Assert.Equal(8f, after.Mean.Y, 0.5f);
        Assert.Equal(12f, after.Mean.Z, 0.5f);
        Assert.Equal(200, img[1, 0].A);
        Assert.Equal(new Rgba32(1, 2, 3), img[2, 0]);
    }

    [Fact]
    public void Gray_is_rec601_luma()
    {
        var img = new RgbaImage(3, 1);
        img[0, 0] = new Rgba32(255, 0, 0);
        img[1, 0] = new Rgba32(0, 255, 0);
        img[2, 0] = new Rgba32(255, 255, 255);
        var g = img.ToGray();
        Assert.Equal(0.299f, g[0, 0], 5);
        Assert.Equal(0.587f, g[1, 0], 5);
        Assert.Equal(1f, g[2, 0], 5);
        Assert.Equal(new Rgba32(76, 76, 76), g.ToGrayImage()[0, 0]); // 0.299 * 255 = 76.2
    }
}

public class CubeRootTests
{
    [Theory]
    [InlineData(0.008856452f)] // just above the Lab toe
    [InlineData(0.001f)]
    [InlineData(0.125f)]
    [InlineData(0.5f)]
    [InlineData(1f)]
    [InlineData(1.0889f)]
    public void Fast_cube_root_matches_to_a_millionth(float t)
    {
        Assert.Equal(MathF.Cbrt(t), CieLab.Cbrt(t), 1e-6f * MathF.Cbrt(t));
    }
}
