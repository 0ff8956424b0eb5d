using Likeness.Imaging;
using Likeness.Imaging.Tensors;

namespace Likeness.Tests.Imaging;

public class TensorTests
{
    static RgbaImage TwoPixels()
    {
        var img = new RgbaImage(2, 1);
        img[0, 0] = new Rgba32(255, 0, 0);
        img[1, 0] = new Rgba32(0, 128, 255, 7); // alpha is ignored
        return img;
    }

    const float Half = 128f / 255f;

    [Fact]
    public void Nchw_rgb_is_planar()
    {
        var t = ImageTensor.ToTensor(TwoPixels(), TensorLayout.Nchw, ChannelOrder.Rgb, TensorNormalization.ZeroToOne);
        Assert.Equal([1, 0, 0, Half, 0, 1], t);
    }

    [Fact]
    public void Nchw_bgr_swaps_the_planes()
    {
        var t = ImageTensor.ToTensor(TwoPixels(), TensorLayout.Nchw, ChannelOrder.Bgr, TensorNormalization.ZeroToOne);
        Assert.Equal([0, 1, 0, Half, 1, 0], t);
    }

    [Fact]
    public void Nhwc_rgb_is_interleaved()
    {
        var t = ImageTensor.ToTensor(TwoPixels(), TensorLayout.Nhwc, ChannelOrder.Rgb, TensorNormalization.ZeroToOne);
        Assert.Equal([1, 0, 0, 0, Half, 1], t);
    }

    [Fact]
    public void Mean_and_std_are_per_colour()
    {
        var t = new float[6];
        ImageTensor.ToTensor(TwoPixels(), t, TensorLayout.Nchw, ChannelOrder.Bgr, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);
        // Tensor channel 0 is blue: (0 - 0.406) / 0.225 and (1 - 0.406) / 0.225.
        Assert.Equal(-1.80444f, t[0], 4);
        Assert.Equal(2.64f, t[1], 4);
        // Channel 2 is red: (1 - 0.485) / 0.229 and (0 - 0.485) / 0.229.
        Assert.Equal(2.24891f, t[4], 4);
        Assert.Equal(-2.11790f, t[5], 4);
    }

    [Fact]
    public void Region_reads_only_that_part()
    {
        var img = new RgbaImage(3, 2);
        for (int i = 0; i < 6; i++) img.Pixels[i] = new Rgba32((byte)(10 * i), 0, 0);
        var t = new float[3 * 2];
        ImageTensor.ToTensor(img, new Rect(1, 1, 2, 1), t, TensorLayout.Nchw, ChannelOrder.Rgb, TensorNormalization.Raw);
        Assert.Equal([40, 50, 0, 0, 0, 0], t);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            ImageTensor.ToTensor(img, new Rect(2, 0, 2, 1), t, TensorLayout.Nchw, ChannelOrder.Rgb, TensorNormalization.Raw));
    }

    [Fact]
    public void ToImage_inverts_ToTensor()
    {
        var img = new RgbaImage(3, 2);
        for (int i = 0; i < 6; i++) img.Pixels[i] = new Rgba32((byte)(40 * i), (byte)(255 - 17 * i), (byte)(3 * i));
        foreach (var layout in new[] { TensorLayout.Nchw, TensorLayout.Nhwc })
        {
            var t = ImageTensor.ToTensor(img, layout, ChannelOrder.Bgr, TensorNormalization.MinusOneToOne);
            var back = ImageTensor.ToImage(t, 3, 2, layout, ChannelOrder.Bgr, TensorNormalization.MinusOneToOne);
            Assert.Equal(img.Data, back.Data);
        }
    }

    [Fact]
    public void Large_image_rows_land_in_place()
    {
        // Large enough to take the parallel path.
        var img = new RgbaImage(1024, 512);
        for (int y = 0; y < 512; y++) img[y % 1024, y] = new Rgba32((byte)(y % 251), 1, 2);
        var t = ImageTensor.ToTensor(img, TensorLayout.Nchw, ChannelOrder.Rgb, TensorNormalization.Raw);
        int plane = 1024 * 512;
        for (int y = 0; y < 512; y += 37)
        {
            Assert.Equal(y % 251, t[y * 1024 + y]);
            Assert.Equal(1, t[plane + y * 1024 + y]);
            Assert.Equal(2, t[2 * plane + y * 1024 + y]);
        }
    }
}
