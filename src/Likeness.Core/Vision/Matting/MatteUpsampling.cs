using Likeness.Imaging;
using Likeness.Imaging.Color;
using Likeness.Imaging.Filters;
using Likeness.Imaging.Transforms;

namespace Likeness.Vision.Matting;

/// <summary>Brings a model's low-resolution matte (covering the whole photo) to the photo's size.</summary>
internal static class MatteUpsampling
{
    /// <summary>
    /// Photos no larger than the matte are simply area-averaged down. Larger ones go through the fast guided filter
    /// with the photo's luminance as guide, so the matte's edges land on the photo's own edges instead of a stretched
    /// blur. A luminance guide costs a third of a colour one and followed the photos' edges as well on our portraits.
    /// </summary>
    /// <param name="lowResRadius">Guided-filter window radius in matte pixels.</param>
    /// <param name="eps">Guided-filter regularisation on 0..1 luminance: smaller follows weaker photo edges.</param>
    public static FloatPlane ToImageSize(RgbaImage image, FloatPlane matte, int lowResRadius, float eps)
    {
        if (image.Width <= matte.Width && image.Height <= matte.Height)
            return image.Width == matte.Width && image.Height == matte.Height ? matte : matte.Resize(image.Width, image.Height, ResizeMethod.Area);
        int radius = Math.Max(1, (int)Math.Round(lowResRadius * (double)image.Width / matte.Width));
        return GuidedFilter.Upsample(image.ToGray(), matte, radius, eps);
    }

    /// <summary>Stretches values about 0.5 by <paramref name="gain"/> and clamps, in place: turns a soft probability into a firmer matte.</summary>
    public static void Contrast(FloatPlane plane, float gain)
    {
        var d = plane.Data;
        for (int i = 0; i < d.Length; i++) d[i] = Math.Clamp((d[i] - 0.5f) * gain + 0.5f, 0f, 1f);
    }
}
