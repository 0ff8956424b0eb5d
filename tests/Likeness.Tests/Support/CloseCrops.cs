using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;
using Likeness.Pipelines;
using Likeness.Vision.Faces;

namespace Likeness.Tests.Support;

/// <summary>Makes, from a real photo, the kind of photo face datasets and avatar exports are full of.</summary>
static class CloseCrops
{
    /// <summary>A square crop whose top edge is the face box's top (the skull is cut off) and whose face box fills
    /// 95 % of the height (no shoulders), resized to <paramref name="size"/> px.</summary>
    public static RgbaImage FaceFilled(RgbaImage photo, DetectedFace face, int size)
    {
        int side = (int)Math.Round(face.Box.Height / 0.95);
        int left = (int)Math.Round(face.Box.CenterX - side / 2.0);
        var crop = photo.CropPadded(new Rect(left, (int)Math.Round(face.Box.Y), side, side), new Rgba32(128, 128, 128));
        return crop.Resize(size, size);
    }

    /// <summary>The photo scaled so its shorter side is <paramref name="shortSide"/> px.</summary>
    public static RgbaImage Downscaled(RgbaImage photo, int shortSide)
    {
        double s = (double)shortSide / Math.Min(photo.Width, photo.Height);
        return photo.Resize(Math.Max(1, (int)Math.Round(photo.Width * s)), Math.Max(1, (int)Math.Round(photo.Height * s)));
    }

    public static EncodedImage Encode(RgbaImage image, string name) => new(name, ImageCodec.Encode(image, ImageFormat.Png, new EncodeOptions()));
}
