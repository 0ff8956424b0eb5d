using Likeness.Imaging;
using Likeness.Imaging.Blending;
using Likeness.Imaging.Filters;
using Likeness.Imaging.Transforms;

namespace Likeness.Compositing;

/// <summary>
/// Lets the scene's light spill over the person's edges: near the matte's edge, the person's colour is
/// mixed with a blurred copy of the scene, so the cut-out does not look pasted on.
/// </summary>
public static class LightWrap
{
    public static void Apply(RgbaImage personLayer, RgbaImage scene, float radius, float strength)
    {
        if (strength <= 0 || radius <= 0) return;
        var alpha = personLayer.ExtractAlpha();
        if (PersonLayout.CutoutBoxOf(alpha, threshold: 0) is not { } box) return;
        // Only the person's pixels change, so blurring a window one kernel radius wider than them gives
        // the same values as blurring the whole scene, at a fraction of the cost; the wrap is soft, so wide
        // radii are blurred at a reduced resolution.
        int margin = Blur.DownsampledReach(radius);
        var window = box.Inflate(margin, margin).Intersect(new Rect(0, 0, scene.Width, scene.Height));
        var blurredScene = scene.Crop(window).GaussianBlurDownsampled(radius);
        var blurredAlpha = alpha.Crop(window).GaussianBlurDownsampled(radius);
        for (int y = box.Y; y < box.Bottom; y++)
        {
            var a = alpha.Row(y);
            var ba = blurredAlpha.Row(y - window.Y);
            var p = personLayer.Row(y);
            var s = blurredScene.Row(y - window.Y);
            for (int x = box.X; x < box.Right; x++)
            {
                if (a[x] <= 0) continue;
                // Strongest just inside the edge, where the blurred matte has dropped below the matte.
                float wrap = Math.Clamp((a[x] - ba[x - window.X]) * 2, 0, 1) * strength;
                if (wrap <= 0) continue;
                int o = x * 4, so = (x - window.X) * 4;
                for (int c = 0; c < 3; c++)
                    p[o + c] = (byte)Math.Clamp(p[o + c] + (s[so + c] - p[o + c]) * wrap + 0.5f, 0, 255);
            }
        }
    }
}
