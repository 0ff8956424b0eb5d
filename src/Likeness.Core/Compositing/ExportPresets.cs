using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Transforms;

namespace Likeness.Compositing;

/// <summary>
/// Output sizes for social and marketplace channels. Fit rule (cover): the image is scaled so it covers the
/// preset fully, then cropped to the preset's aspect around a focus point (the face when known, else the
/// person, else the centre), clamped so the crop stays inside the image. Nothing is letterboxed or stretched.
/// </summary>
public static class ExportPresets
{
    public static readonly IReadOnlyDictionary<string, (int Width, int Height)> All = new Dictionary<string, (int, int)>(StringComparer.OrdinalIgnoreCase)
    {
        ["ig-story"] = (1080, 1920),
        ["ig-feed"] = (1080, 1080),
        ["ig-portrait"] = (1080, 1350),
        ["tiktok"] = (1080, 1920),
        ["shopee"] = (1000, 1000),
        ["tokopedia"] = (1200, 1200),
        ["lazada"] = (1000, 1000),
    };

    public static (int Width, int Height) Get(string name) =>
        All.TryGetValue(name, out var size) ? size
        : throw new LikenessException($"unknown export preset '{name}': use one of {string.Join(", ", All.Keys)}");

    /// <summary>The crop (in source pixels) that the cover rule takes for a target size and focus point.</summary>
    public static Rect CoverCrop(int srcW, int srcH, int targetW, int targetH, Vector2? focus)
    {
        double targetAspect = (double)targetW / targetH, srcAspect = (double)srcW / srcH;
        int cropW = srcW, cropH = srcH;
        if (srcAspect > targetAspect) cropW = Math.Max(1, (int)Math.Round(srcH * targetAspect));
        else cropH = Math.Max(1, (int)Math.Round(srcW / targetAspect));
        var f = focus ?? new Vector2(srcW / 2f, srcH / 2f);
        int x = Math.Clamp((int)Math.Round(f.X - cropW / 2.0), 0, srcW - cropW);
        int y = Math.Clamp((int)Math.Round(f.Y - cropH / 2.0), 0, srcH - cropH);
        return new Rect(x, y, cropW, cropH);
    }

    public static RgbaImage Cover(RgbaImage image, int targetW, int targetH, Vector2? focus)
    {
        var crop = CoverCrop(image.Width, image.Height, targetW, targetH, focus);
        var cropped = crop.Width == image.Width && crop.Height == image.Height ? image : image.Crop(crop);
        return cropped.Width == targetW && cropped.Height == targetH ? cropped : cropped.Resize(targetW, targetH, ResizeMethod.Area);
    }
}
