using Likeness.Imaging;
using Likeness.Imaging.Filters;
using Likeness.Imaging.Transforms;
using static Likeness.Tests.Imaging.TestImages;

namespace Likeness.Tests.Imaging;

public class FilterTests
{
    static FloatPlane Delta(int size)
    {
        var p = new FloatPlane(size, size);
        p[size / 2, size / 2] = 1;
        return p;
    }

    [Theory]
    [InlineData(2f)]   // small sigma: the exact blur
    [InlineData(12f)]
    [InlineData(30f)]
    public void Downsampled_blur_matches_the_exact_Gaussian_on_soft_shapes(float sigma)
    {
        var plane = new FloatPlane(400, 300);
        for (int y = 80; y < 260; y++) for (int x = 120; x < 300; x++) plane[x, y] = 1;
        var exact = plane.GaussianBlur(sigma);
        var fast = plane.GaussianBlurDownsampled(sigma);
        float worst = 0;
        for (int i = 0; i < exact.Data.Length; i++) worst = Math.Max(worst, Math.Abs(exact.Data[i] - fast.Data[i]));
        Assert.True(worst < 0.04f, $"sigma {sigma}: largest difference {worst:0.000}");

        var rgba = RgbaImage.Filled(400, 300, new Rgba32(10, 200, 40));
        for (int y = 80; y < 260; y++) for (int x = 120; x < 300; x++) rgba[x, y] = new Rgba32(240, 20, 200);
        var exactRgba = rgba.GaussianBlur(sigma);
        var fastRgba = rgba.GaussianBlurDownsampled(sigma);
        int worstByte = 0;
        for (int i = 0; i < exactRgba.Data.Length; i++) worstByte = Math.Max(worstByte, Math.Abs(exactRgba.Data[i] - fastRgba.Data[i]));
        Assert.True(worstByte <= 10, $"sigma {sigma}: largest RGBA difference {worstByte}");
    }

    [Fact]
    public void Gaussian_kernel_has_radius_three_sigma_and_unit_sum()
    {
        var k = Blur.GaussianKernel(1);
        Assert.Equal(7, k.Length);
        Assert.Equal(1f, k.Sum(), 5);
        // exp(0) / (1 + 2 (e^-0.5 + e^-2 + e^-4.5)) = 1 / 2.505949
        Assert.Equal(0.399050f, k[3], 5);
        Assert.Equal(0.242036f, k[2], 5);
    }

    [Fact]
    public void Blurred_delta_sums_to_one_and_is_symmetric()
    {
        var b = Delta(9).GaussianBlur(1);
        Assert.Equal(1f, b.Data.Sum(), 4);
        Assert.Equal(0.159241f, b[4, 4], 5); // k[3]^2
        for (int d = 1; d <= 3; d++)
        {
            Assert.Equal(b[4 + d, 4], b[4 - d, 4], 6);
            Assert.Equal(b[4 + d, 4], b[4, 4 + d], 6);
            Assert.Equal(b[4 + d, 4 + d], b[4 - d, 4 - d], 6);
        }
        Assert.Equal(0f, b[0, 0]); // beyond the kernel radius
    }

    [Fact]
    public void Blur_keeps_a_constant_image_constant()
    {
        var p = new FloatPlane(5, 4);
        p.Data.AsSpan().Fill(0.75f);
        Assert.All(p.GaussianBlur(2.5f).Data, v => Assert.Equal(0.75f, v, 5));
        var img = RgbaImage.Filled(5, 4, new Rgba32(10, 20, 30));
        Assert.Equal(img.Data, img.GaussianBlur(2.5f).Data);
    }

    [Fact]
    public void Rgba_blur_does_not_pull_in_transparent_colour()
    {
        var img = new RgbaImage(3, 1);
        img[0, 0] = new Rgba32(255, 0, 0);
        img[1, 0] = new Rgba32(0, 255, 0, 0);
        img[2, 0] = new Rgba32(255, 0, 0);
        var b = img.GaussianBlur(1);
        for (int x = 0; x < 3; x++)
        {
            Assert.Equal(255, b[x, 0].R);
            Assert.Equal(0, b[x, 0].G);
        }
        Assert.True(b[1, 0].A is > 0 and < 255);
    }

    [Fact]
    public void Box_blur_averages_the_clipped_window()
    {
        // 0 1 2 / 3 4 5 / 6 7 8
        var b = Counting(3, 3).BoxBlur(1);
        Assert.Equal(2f, b[0, 0], 5);   // (0+1+3+4)/4
        Assert.Equal(2.5f, b[1, 0], 5); // (0+1+2+3+4+5)/6
        Assert.Equal(4f, b[1, 1], 5);
        Assert.Equal(6f, b[2, 2], 5);   // (4+5+7+8)/4
    }

    [Fact]
    public void Dilating_a_pixel_gives_a_square_or_a_disc()
    {
        var square = Delta(9).Dilate(2);
        Assert.Equal(25, square.Data.Count(v => v == 1));
        for (int y = 2; y <= 6; y++)
            for (int x = 2; x <= 6; x++) Assert.Equal(1f, square[x, y]);

        var disc = Delta(9).Dilate(2, StructuringElement.Disc);
        Assert.Equal(13, disc.Data.Count(v => v == 1)); // rows of 1, 3, 5, 3, 1
        Assert.Equal(1f, disc[6, 4]);
        Assert.Equal(0f, disc[6, 5]); // distance sqrt(5) > 2
    }

    [Fact]
    public void Grey_dilation_and_erosion_take_window_extremes()
    {
        var row = Plane(new float[,] { { 3, 1, 4, 1, 5, 9, 2, 6 } });
        Equal([3, 4, 4, 5, 9, 9, 9, 6], row.Dilate(1));
        Equal([4, 4, 5, 9, 9, 9, 9, 9], row.Dilate(2));
        Equal([1, 1, 1, 1, 1, 2, 2, 2], row.Erode(1));
        var column = row.Transpose();
        Equal([3, 4, 4, 5, 9, 9, 9, 6], column.Dilate(1));
    }

    [Fact]
    public void Erosion_shrinks_a_block_but_not_from_the_image_border()
    {
        var p = new FloatPlane(9, 9);
        for (int y = 2; y <= 6; y++)
            for (int x = 2; x <= 6; x++) p[x, y] = 1;
        var e = p.Erode(1);
        Assert.Equal(9, e.Data.Count(v => v == 1));
        Assert.Equal(1f, e[3, 3]);
        Assert.Equal(0f, e[2, 4]);

        var full = new FloatPlane(4, 4);
        full.Data.AsSpan().Fill(1);
        Assert.All(full.Erode(2, StructuringElement.Disc).Data, v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Closing_fills_a_small_hole()
    {
        var p = new FloatPlane(7, 7);
        p.Data.AsSpan().Fill(1);
        p[3, 3] = 0;
        Assert.All(p.Close(1).Data, v => Assert.Equal(1f, v));
        Assert.Equal(0f, p.Open(1)[3, 3]);
    }

    [Fact]
    public void Threshold_is_strictly_above()
    {
        Equal([0, 0, 1], Plane(new float[,] { { 0.2f, 0.5f, 0.7f } }).Threshold(0.5f));
    }

    [Fact]
    public void Feather_modes_stay_on_their_side_of_the_edge()
    {
        var mask = new FloatPlane(31, 31);
        for (int y = 5; y <= 25; y++)
            for (int x = 5; x <= 25; x++) mask[x, y] = 1;
        var inside = mask.Feather(3, FeatherMode.Inside);
        var outside = mask.Feather(3, FeatherMode.Outside);
        // Only the Gaussian tail beyond 3 sigma (about 1% at rounded corners) may cross the edge.
        for (int i = 0; i < mask.Data.Length; i++)
        {
            Assert.True(inside.Data[i] <= mask.Data[i] + 0.02f, $"inside feather grew the mask at {i}");
            Assert.True(outside.Data[i] >= mask.Data[i] - 0.02f, $"outside feather shrank the mask at {i}");
        }
        Assert.Equal(1f, inside[15, 15], 3);
        Assert.True(inside[5, 15] < 0.1f);
        Assert.True(outside[4, 15] > 0.9f);
        var centred = mask.Feather(3);
        Assert.Equal(0.5f, (centred[5, 15] + centred[4, 15]) / 2, 1);
    }

    [Fact]
    public void Variance_of_laplacian_of_a_dot()
    {
        // Interior Laplacians of a 4x4 plane with a 1 at (1,1): -4, 1, 1, 0 -> mean -0.5, variance 4.5 - 0.25.
        var p = new FloatPlane(4, 4);
        p[1, 1] = 1;
        Assert.Equal(4.25, p.VarianceOfLaplacian(), 6);
        var flat = new FloatPlane(5, 5);
        flat.Data.AsSpan().Fill(0.3f);
        Assert.Equal(0, flat.VarianceOfLaplacian(), 9);
    }
}
