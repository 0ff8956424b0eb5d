namespace Likeness.Imaging.Blending;

internal static class RgbPlanes
{
    /// <summary>The red, green and blue channels of an image as float planes (0..255).</summary>
    public static FloatPlane[] Of(RgbaImage img)
    {
        var planes = new[] { new FloatPlane(img.Width, img.Height), new FloatPlane(img.Width, img.Height), new FloatPlane(img.Width, img.Height) };
        var pixels = img.Pixels;
        for (var i = 0; i < pixels.Length; i++)
        {
            planes[0].Data[i] = pixels[i].R;
            planes[1].Data[i] = pixels[i].G;
            planes[2].Data[i] = pixels[i].B;
        }
        return planes;
    }
}
