using Likeness.Imaging;
using Likeness.Imaging.Blending;

namespace Likeness.Tests.Imaging;

public class AlphaCompositingTests
{
    [Fact]
    public void Premultiply_and_unpremultiply_round()
    {
        var img = RgbaImage.Filled(1, 1, new Rgba32(200, 100, 50, 128));
        img.Premultiply();
        Assert.Equal(new Rgba32(100, 50, 25, 128), img[0, 0]); // 100.4, 50.2, 25.1
        img.Unpremultiply();
        Assert.Equal(new Rgba32(199, 100, 50, 128), img[0, 0]); // 199.2, 99.6, 49.8
    }

    [Fact]
    public void Unpremultiply_clears_fully_transparent_pixels()
    {
        var img = RgbaImage.Filled(1, 1, new Rgba32(9, 9, 9, 0));
        img.Unpremultiply();
        Assert.Equal(new Rgba32(0, 0, 0, 0), img[0, 0]);
    }

    [Fact]
    public void Half_transparent_over_opaque()
    {
        var dst = RgbaImage.Filled(1, 1, new Rgba32(0, 0, 200));
        dst.AlphaBlend(RgbaImage.Filled(1, 1, new Rgba32(255, 0, 0, 128)), 0, 0);
        Assert.Equal(new Rgba32(128, 0, 100, 255), dst[0, 0]); // 255 * 0.502, 200 * 0.498
    }

    [Fact]
    public void Linear_light_blend_mixes_intensities()
    {
        var dst = RgbaImage.Filled(1, 1, new Rgba32(0, 0, 200));
        dst.AlphaBlend(RgbaImage.Filled(1, 1, new Rgba32(255, 0, 0, 128)), 0, 0, linearLight: true);
        // Linear red 0.502 encodes to 188; linear blue 0.578 * 0.498 encodes to 146.
        Assert.Equal(new Rgba32(188, 0, 146, 255), dst[0, 0]);
    }

    [Fact]
    public void Translucent_over_translucent_is_porter_duff()
    {
        var dst = RgbaImage.Filled(1, 1, new Rgba32(0, 0, 255, 128));
        dst.AlphaBlend(RgbaImage.Filled(1, 1, new Rgba32(255, 0, 0, 128)), 0, 0);
        // ao = 0.502 + 0.502 * 0.498 = 0.752; red = 255 * 0.502 / 0.752; blue = 255 * 0.25 / 0.752.
        Assert.Equal(new Rgba32(170, 0, 85, 192), dst[0, 0]);
    }

    [Fact]
    public void Opacity_scales_the_source_and_zero_changes_nothing()
    {
        var dst = RgbaImage.Filled(1, 1, new Rgba32(0, 0, 0));
        dst.AlphaBlend(RgbaImage.Filled(1, 1, new Rgba32(200, 200, 200)), 0, 0, opacity: 0.25f);
        Assert.Equal(new Rgba32(50, 50, 50), dst[0, 0]);
        dst.AlphaBlend(RgbaImage.Filled(1, 1, new Rgba32(200, 200, 200)), 0, 0, opacity: 0);
        Assert.Equal(new Rgba32(50, 50, 50), dst[0, 0]);
    }

    [Fact]
    public void Blend_is_clipped_to_the_destination()
    {
        var dst = RgbaImage.Filled(2, 2, new Rgba32(0, 0, 0));
        var src = new RgbaImage(2, 2);
        for (int i = 0; i < 4; i++) src.Pixels[i] = new Rgba32((byte)(10 + i), 0, 0);
        dst.AlphaBlend(src, -1, -1);
        Assert.Equal(new Rgba32(13, 0, 0), dst[0, 0]);
        Assert.Equal(new Rgba32(0, 0, 0), dst[1, 0]);
        dst.AlphaBlend(src, 5, 5); // entirely outside: no-op, no exception
    }

    [Fact]
    public void ApplyMask_multiplies_alpha_and_SetAlpha_replaces_it()
    {
        var img = RgbaImage.Filled(2, 1, new Rgba32(1, 2, 3, 200));
        var mask = new FloatPlane(2, 1, [0.5f, 2f]);
        img.ApplyMask(mask);
        Assert.Equal(new Rgba32(1, 2, 3, 100), img[0, 0]);
        Assert.Equal(new Rgba32(1, 2, 3, 200), img[1, 0]); // mask clamped to 1
        img.SetAlpha(new FloatPlane(2, 1, [0.25f, 0f]));
        Assert.Equal(64, img[0, 0].A);
        Assert.Equal(0, img[1, 0].A);
        Assert.Equal([64 / 255f, 0f], img.ExtractAlpha().Data);
    }
}
