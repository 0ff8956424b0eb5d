using Likeness.Imaging;
using Likeness.Imaging.Transforms;
using static Likeness.Tests.Imaging.TestImages;

namespace Likeness.Tests.Imaging;

public class GeometryTests
{
    // 3x2 plane:  0 1 2
    //             3 4 5
    static FloatPlane Small => Counting(3, 2);

    [Fact]
    public void Crop_takes_the_rectangle()
    {
        Equal([4, 5, 7, 8], Counting(3, 3).Crop(new Rect(1, 1, 2, 2)));
    }

    [Fact]
    public void Crop_clips_to_the_image()
    {
        var c = Counting(3, 3).Crop(new Rect(-1, -1, 2, 3));
        Assert.Equal((1, 2), (c.Width, c.Height));
        Equal([0, 3], c);
    }

    [Fact]
    public void Crop_outside_the_image_throws()
    {
        Assert.Throws<ArgumentException>(() => Counting(3, 3).Crop(new Rect(5, 5, 2, 2)));
    }

    [Fact]
    public void CropPadded_fills_outside_with_the_border_colour()
    {
        var img = new RgbaImage(2, 1);
        img[0, 0] = new Rgba32(1, 2, 3);
        img[1, 0] = new Rgba32(4, 5, 6);
        var red = new Rgba32(255, 0, 0);
        var c = img.CropPadded(new Rect(-1, 0, 4, 1), red);
        Assert.Equal([red, new Rgba32(1, 2, 3), new Rgba32(4, 5, 6), red], c.Pixels.ToArray());
    }

    [Fact]
    public void Pad_adds_borders()
    {
        var p = new FloatPlane(1, 1);
        p[0, 0] = 5;
        Equal([9, 5, 9, 9], p.Pad(1, 0, 0, 1, 9));
    }

    [Fact]
    public void Flips()
    {
        Equal([2, 1, 0, 5, 4, 3], Small.FlipHorizontal());
        Equal([3, 4, 5, 0, 1, 2], Small.FlipVertical());
    }

    [Fact]
    public void Right_angle_rotations()
    {
        var r90 = Small.Rotate90();
        Assert.Equal((2, 3), (r90.Width, r90.Height));
        Equal([3, 0, 4, 1, 5, 2], r90);
        Equal([5, 4, 3, 2, 1, 0], Small.Rotate180());
        Equal([2, 5, 1, 4, 0, 3], Small.Rotate270());
        Equal([0, 3, 1, 4, 2, 5], Small.Transpose());
    }

    [Fact]
    public void Exif_orientations_match_their_named_operations()
    {
        var img = new RgbaImage(3, 2);
        for (int i = 0; i < 6; i++) img.Pixels[i] = new Rgba32((byte)i, 0, 0);
        byte[] Reds(RgbaImage m) => m.Pixels.ToArray().Select(p => p.R).ToArray();

        Assert.Equal(Reds(img), Reds(img.ApplyExifOrientation(1)));
        Assert.Equal(Reds(img.FlipHorizontal()), Reds(img.ApplyExifOrientation(2)));
        Assert.Equal(Reds(img.Rotate180()), Reds(img.ApplyExifOrientation(3)));
        Assert.Equal(Reds(img.FlipVertical()), Reds(img.ApplyExifOrientation(4)));
        Assert.Equal(Reds(img.Transpose()), Reds(img.ApplyExifOrientation(5)));
        Assert.Equal(Reds(img.Rotate90()), Reds(img.ApplyExifOrientation(6)));
        // Transverse: (x, y) -> (H-1-y, W-1-x).
        Assert.Equal(new byte[] { 5, 2, 4, 1, 3, 0 }, Reds(img.ApplyExifOrientation(7)));
        Assert.Equal(Reds(img.Rotate270()), Reds(img.ApplyExifOrientation(8)));
    }

    [Fact]
    public void Four_quarter_turns_are_the_identity()
    {
        var img = new RgbaImage(3, 2);
        for (int i = 0; i < 6; i++) img.Pixels[i] = new Rgba32((byte)i, (byte)(10 * i), 7, (byte)(200 + i));
        var back = img.Rotate90().Rotate90().Rotate90().Rotate90();
        Assert.Equal(img.Data, back.Data);
    }
}
