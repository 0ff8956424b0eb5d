using Likeness.Imaging;
using Likeness.Imaging.Blending;
using Likeness.Imaging.Filters;

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
        var blurredScene = scene.GaussianBlur(radius);
        var blurredAlpha = alpha.GaussianBlur(radius);
        var p = personLayer.Data;
        var s = blurredScene.Data;
        for (int i = 0; i < alpha.Data.Length; i++)
        {
            float a = alpha.Data[i];
            if (a <= 0) continue;
            // Strongest just inside the edge, where the blurred matte has dropped below the matte.
            float wrap = Math.Clamp((a - blurredAlpha.Data[i]) * 2, 0, 1) * strength;
            if (wrap <= 0) continue;
            int o = i * 4;
            for (int c = 0; c < 3; c++)
                p[o + c] = (byte)Math.Clamp(p[o + c] + (s[o + c] - p[o + c]) * wrap + 0.5f, 0, 255);
        }
    }
}
