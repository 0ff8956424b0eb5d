using Likeness.Imaging;
using Likeness.Imaging.Transforms;

namespace Likeness.Vision.Faces.Landmarks;

/// <summary>
/// Warps a region of an image into a small model input. Transforms here use continuous coordinates
/// (0 is the left edge of the first pixel), which is what detectors and landmark models report.
/// </summary>
internal static class CropWarp
{
    /// <summary>
    /// Samples <paramref name="imageToCrop"/> into a <paramref name="width"/> x <paramref name="height"/> image.
    /// Strong reductions are first area-averaged over just the needed region, because a bilinear warp
    /// alone aliases when it shrinks by more than about 2x (a 1000-px face into 192 px, say).
    /// </summary>
    public static RgbaImage Extract(RgbaImage image, AffineTransform imageToCrop, int width, int height,
        BorderMode border = BorderMode.Replicate)
    {
        double scale = imageToCrop.ScaleFactor;
        var source = image;
        var sourceToCrop = imageToCrop;
        if (scale < 0.7)
        {
            var inv = imageToCrop.Invert();
            var corners = new[] { inv.Apply(0, 0), inv.Apply(width, 0), inv.Apply(0, height), inv.Apply(width, height) };
            var bounds = BoxF.FromEdges(
                (float)corners.Min(c => c.X) - 2, (float)corners.Min(c => c.Y) - 2,
                (float)corners.Max(c => c.X) + 2, (float)corners.Max(c => c.Y) + 2).ToRect(image.Width, image.Height);
            if (!bounds.IsEmpty)
            {
                int w = Math.Max(1, (int)Math.Round(bounds.Width * scale)), h = Math.Max(1, (int)Math.Round(bounds.Height * scale));
                source = image.Crop(bounds).Resize(w, h, ResizeMethod.Area);
                // Continuous coordinates in the shrunk crop back to the image, then on to the model crop.
                var shrunkToImage = AffineTransform.Scaling((double)bounds.Width / w, (double)bounds.Height / h)
                    .Then(AffineTransform.Translation(bounds.X, bounds.Y));
                sourceToCrop = shrunkToImage.Then(imageToCrop);
            }
        }
        // WarpAffine puts pixel centres at integers: shift by half a pixel on both sides.
        var centres = AffineTransform.Translation(0.5, 0.5).Then(sourceToCrop).Then(AffineTransform.Translation(-0.5, -0.5));
        return source.WarpAffine(centres, width, height, border);
    }
}
