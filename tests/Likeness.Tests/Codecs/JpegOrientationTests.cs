using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using static Likeness.Tests.Codecs.CodecTestImages;

namespace Likeness.Tests.Codecs;

public class JpegOrientationTests
{
    // The upright picture the camera meant: 96x64 with quadrant edges on 16-pixel (4:2:0 MCU) boundaries.
    const int DisplayWidth = 96, DisplayHeight = 64;

    public static TheoryData<int, bool> Orientations()
    {
        var data = new TheoryData<int, bool>();
        for (int o = 1; o <= 8; o++) { data.Add(o, false); data.Add(o, true); }
        return data;
    }

    [Theory]
    [MemberData(nameof(Orientations))]
    public void Decoding_applies_the_exif_orientation(int orientation, bool bigEndian)
    {
        var display = Quadrants(DisplayWidth, DisplayHeight);
        var jpeg = InsertAfterSoi(ImageCodec.Encode(Stored(display, orientation), ImageFormat.Jpeg), ExifSegment(orientation, bigEndian));

        var decoded = ImageCodec.Decode(jpeg);

        Assert.Equal((DisplayWidth, DisplayHeight), (decoded.Width, decoded.Height));
        foreach (var (x, y) in new[] { (24, 16), (72, 16), (24, 48), (72, 48) })
            AssertClose(display[x, y], decoded[x, y], 8, $"at ({x},{y}) for orientation {orientation}");
    }

    [Theory]
    [MemberData(nameof(Orientations))]
    public void Identify_reports_the_orientation_and_upright_size(int orientation, bool bigEndian)
    {
        var stored = Stored(Quadrants(DisplayWidth, DisplayHeight), orientation);
        var jpeg = InsertAfterSoi(ImageCodec.Encode(stored, ImageFormat.Jpeg), ExifSegment(orientation, bigEndian));

        var info = ImageCodec.Identify(jpeg);

        Assert.Equal((ImageOrientation)orientation, info.Orientation);
        Assert.Equal((stored.Width, stored.Height), (info.Width, info.Height));
        Assert.Equal((DisplayWidth, DisplayHeight), (info.OrientedWidth, info.OrientedHeight));
    }

    [Fact]
    public void Orientation_can_be_left_alone()
    {
        var stored = Stored(Quadrants(DisplayWidth, DisplayHeight), 6);
        var jpeg = InsertAfterSoi(ImageCodec.Encode(stored, ImageFormat.Jpeg), ExifSegment(6, bigEndian: false));
        var decoded = ImageCodec.Decode(jpeg, options: new DecodeOptions { ApplyExifOrientation = false });
        Assert.Equal((stored.Width, stored.Height), (decoded.Width, decoded.Height));
        AssertClose(stored[8, 8], decoded[8, 8], 8);
    }

    [Fact]
    public void Out_of_range_orientation_is_treated_as_normal()
    {
        var display = Quadrants(DisplayWidth, DisplayHeight);
        var jpeg = InsertAfterSoi(ImageCodec.Encode(display, ImageFormat.Jpeg), ExifSegment(9, bigEndian: true));
        Assert.Equal(ImageOrientation.Normal, ImageCodec.Identify(jpeg).Orientation);
        AssertClose(Red, ImageCodec.Decode(jpeg)[8, 8], 8);
    }

    /// <summary>
    /// The pixels a camera would store for <paramref name="orientation"/>, built from where each stored pixel must
    /// appear on screen (the opposite direction from the decoder, so the test does not mirror its code).
    /// </summary>
    static RgbaImage Stored(RgbaImage display, int orientation)
    {
        bool swap = orientation >= 5;
        int w = swap ? display.Height : display.Width, h = swap ? display.Width : display.Height;
        var stored = new RgbaImage(w, h);
        for (int sy = 0; sy < h; sy++)
            for (int sx = 0; sx < w; sx++)
            {
                (int dx, int dy) = orientation switch
                {
                    1 => (sx, sy),
                    2 => (w - 1 - sx, sy),
                    3 => (w - 1 - sx, h - 1 - sy),
                    4 => (sx, h - 1 - sy),
                    5 => (sy, sx),
                    6 => (h - 1 - sy, sx),
                    7 => (h - 1 - sy, w - 1 - sx),
                    _ => (sy, w - 1 - sx),
                };
                stored[sx, sy] = display[dx, dy];
            }
        return stored;
    }
}
