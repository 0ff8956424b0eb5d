using Likeness.Imaging;
using Likeness.Imaging.Drawing;

namespace Likeness.Vision.Pose;

/// <summary>Draws a pose as an OpenPose-style skeleton (coloured limbs and joints), e.g. for <c>--draw</c>.</summary>
public static class PoseDrawing
{
    /// <summary>
    /// Draws in place, skipping joints scored below <paramref name="minScore"/>. Line thickness defaults to about
    /// 1 % of the image's longer side, so the skeleton reads at any size.
    /// </summary>
    public static void Draw(RgbaImage image, BodyPose pose, float minScore = 0.3f, float? thickness = null)
    {
        float width = thickness ?? Math.Max(2f, Math.Max(image.Width, image.Height) / 100f);
        var points = pose.ToOpenPose18();
        for (int i = 0; i < OpenPose18.Limbs.Count; i++)
        {
            var (a, b) = OpenPose18.Limbs[i];
            if (points[a].Score < minScore || points[b].Score < minScore) continue;
            var c = OpenPose18.Colours[i];
            image.DrawLine(points[a].Position, points[b].Position, c with { A = 200 }, width);
        }
        for (int i = 0; i < points.Length; i++)
            if (points[i].Score >= minScore) image.FillCircle(points[i].Position, width * 0.8f, OpenPose18.Colours[i]);
    }
}
