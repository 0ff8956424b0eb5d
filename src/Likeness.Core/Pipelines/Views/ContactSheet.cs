using Likeness.Imaging;
using Likeness.Imaging.Drawing;
using Likeness.Imaging.Transforms;
using Likeness.Vision.Faces.Pose;

namespace Likeness.Pipelines.Views;

/// <summary>The labelled contact sheet of the view set: one tile per view, missing views shown as such.</summary>
public static class ContactSheet
{
    const int Tile = 256, Label = 48, Gap = 8;

    public static RgbaImage Build(IReadOnlyList<ViewResult> results, IReadOnlyDictionary<FaceView, RgbaImage> images)
    {
        int n = results.Count;
        var sheet = RgbaImage.Filled(n * Tile + (n + 1) * Gap, Tile + Label + 2 * Gap, new Rgba32(240, 240, 240));
        for (int i = 0; i < n; i++)
        {
            int x = Gap + i * (Tile + Gap), y = Gap;
            var r = results[i];
            if (images.TryGetValue(r.View, out var img))
                sheet.AlphaBlendAt(img.Resize(Tile, Tile, ResizeMethod.Area), x, y);
            else
            {
                Draw.FillRectangle(sheet, new Rect(x, y, Tile, Tile), new Rgba32(200, 200, 200));
                Draw.DrawText(sheet, "MISSING", x + 80, y + Tile / 2 - 8, new Rgba32(150, 30, 30), 2);
            }
            Draw.DrawText(sheet, ViewsPipeline.Label(r.View), x + 4, y + Tile + 8, new Rgba32(20, 20, 20), 2);
            if (r.Yaw is { } yaw)
                Draw.DrawText(sheet, r.Generated ? $"yaw {yaw:+0;-0} gen {r.Similarity:0.00}" : $"yaw {yaw:+0;-0}", x + 4, y + Tile + 28, new Rgba32(90, 90, 90), 2);
        }
        return sheet;
    }

    static void AlphaBlendAt(this RgbaImage dst, RgbaImage src, int x, int y) =>
        Likeness.Imaging.Blending.AlphaCompositing.AlphaBlend(dst, src, x, y);
}
