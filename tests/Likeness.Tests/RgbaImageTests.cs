using Likeness.Imaging;

namespace Likeness.Tests;

public class RgbaImageTests
{
    [Fact]
    public void Filled_image_reports_pixels_and_opacity()
    {
        var img = RgbaImage.Filled(3, 2, new Rgba32(10, 20, 30));
        Assert.Equal(24, img.Data.Length);
        Assert.Equal(new Rgba32(10, 20, 30, 255), img[2, 1]);
        Assert.True(img.IsOpaque());
        img[0, 0] = new Rgba32(0, 0, 0, 0);
        Assert.False(img.IsOpaque());
    }

    [Fact]
    public void Wrong_buffer_size_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new RgbaImage(2, 2, new byte[15]));
    }
}
