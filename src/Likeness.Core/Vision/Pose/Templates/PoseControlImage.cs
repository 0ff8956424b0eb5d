using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Drawing;

namespace Likeness.Vision.Pose.Templates;

/// <summary>
/// Renders a pose as a ControlNet OpenPose control image, in that convention exactly (controlnet_aux draw_bodypose):
/// black canvas, limbs in their OpenPose colour at 60 % intensity and 4 px wide at 512 px, joints as full-colour
/// discs of radius 4 drawn over them, no antialiasing (the models were trained on OpenCV's hard edges).
/// </summary>
public static class PoseControlImage
{
    public const float LimbIntensity = 0.6f;

    public static RgbaImage Render(PoseTemplate pose, int width, int height)
    {
        if (width is < 16 or > 8192 || height is < 16 or > 8192)
            throw new LikenessException($"control image size {width}x{height} is out of range (16..8192 per side)");
        var image = new RgbaImage(width, height);
        image.Pixels.Fill(new Rgba32(0, 0, 0));
        var points = pose.OnCanvas(width, height);
        float unit = Math.Min(width, height) / 512f;
        float stick = Math.Max(2f, 4 * unit), radius = Math.Max(2f, 4 * unit);
        for (int i = 0; i < OpenPose18.Limbs.Count; i++)
        {
            var (a, b) = OpenPose18.Limbs[i];
            if (points[a] is not { } from || points[b] is not { } to) continue;
            image.DrawLine(from, to, LimbColour(i), 2 * stick, antialias: false);
        }
        for (int i = 0; i < points.Length; i++)
            if (points[i] is { } p) image.FillCircle(p, radius, OpenPose18.Colours[i], antialias: false);
        return image;
    }

    public static Rgba32 LimbColour(int limb)
    {
        var c = OpenPose18.Colours[limb];
        return new Rgba32((byte)(c.R * LimbIntensity), (byte)(c.G * LimbIntensity), (byte)(c.B * LimbIntensity));
    }

    /// <summary>Pixel size for a requested long side and the pose's aspect (e.g. 1024 → 768x1024 for aspect 0.75).</summary>
    public static (int Width, int Height) SizeFor(PoseTemplate pose, int longSide) =>
        pose.Aspect >= 1 ? (longSide, Math.Max(16, (int)MathF.Round(longSide / pose.Aspect)))
                         : (Math.Max(16, (int)MathF.Round(longSide * pose.Aspect)), longSide);
}
