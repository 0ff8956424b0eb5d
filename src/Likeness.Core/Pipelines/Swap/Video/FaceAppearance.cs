using Likeness.Imaging;
using Likeness.Vision.Faces.Landmarks;

namespace Likeness.Pipelines.Swap.Video;

/// <summary>
/// A face's look in a few hundred numbers: the colour at each mesh point but the lips and eyes (a 5x5 mean around it,
/// the scale set by the face's size). Colour, not brightness: a grey bar over a dark-skinned face is about as bright as the skin it hides. The mesh follows the head, so a turn or a step leaves most points on the same skin, brow or lip,
/// while something moving in front of the face changes the points it covers. Tells the video router when a face must
/// be classified again, instead of running the parser on a fixed schedule.
/// </summary>
public sealed class FaceAppearance
{
    /// <summary>A point has changed when one of its channels moved by more than this (0–255).</summary>
    public const float PointTolerance = 28;
    /// <summary>The face has changed when more than this share of its points did.</summary>
    public const float ChangedShare = 0.12f;

    readonly float[] levels;

    FaceAppearance(float[] levels) => this.levels = levels;

    public static FaceAppearance Of(RgbaImage frame, FaceLandmarks mesh)
    {
        var step = Math.Max(1, (int)MathF.Round(MathF.Max(mesh.Bounds.Width, mesh.Bounds.Height) / 50));
        var levels = new float[mesh.Count * 3];
        var pixels = frame.Pixels;
        var moving = Moving(mesh.Layout);
        for (var i = 0; i < mesh.Count; i++)
        {
            if (moving.Contains(i))
            {
                (levels[3 * i], levels[3 * i + 1], levels[3 * i + 2]) = (float.NaN, float.NaN, float.NaN);
                continue;
            }
            var (cx, cy) = ((int)mesh[i].X, (int)mesh[i].Y);
            float r = 0, g = 0, b = 0;
            var n = 0;
            for (var dy = -2; dy <= 2; dy++)
                for (var dx = -2; dx <= 2; dx++)
                {
                    var (x, y) = (cx + dx * step, cy + dy * step);
                    if ((uint)x >= (uint)frame.Width || (uint)y >= (uint)frame.Height) continue;
                    var p = pixels[y * frame.Width + x];
                    (r, g, b) = (r + p.R, g + p.G, b + p.B);
                    n++;
                }
            (levels[3 * i], levels[3 * i + 1], levels[3 * i + 2]) = n == 0 ? (float.NaN, float.NaN, float.NaN) : (r / n, g / n, b / n);
        }
        return new FaceAppearance(levels);
    }

    // Lips and eye contours change on their own (talking, singing, blinking): left out, or a singer's face would be
    // classified on every other frame (short_hamilton_clip.mp4: 89 of 224 face-frames with them in).
    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<LandmarkLayout, HashSet<int>> movingPoints = [];

    static HashSet<int> Moving(LandmarkLayout layout) => movingPoints.GetValue(layout, l =>
        [.. l.OuterLips, .. l.InnerLips, .. l.LeftEye, .. l.RightEye]);

    /// <summary>The share of points with a channel that moved by more than <see cref="PointTolerance"/> (points off the frame in either are left out).</summary>
    public float ShareChangedSince(FaceAppearance earlier)
    {
        if (earlier.levels.Length != levels.Length) return 1;
        int changed = 0, counted = 0;
        for (var i = 0; i < levels.Length; i += 3)
        {
            if (float.IsNaN(levels[i]) || float.IsNaN(earlier.levels[i])) continue;
            counted++;
            var moved = MathF.Max(MathF.Abs(levels[i] - earlier.levels[i]), MathF.Max(MathF.Abs(levels[i + 1] - earlier.levels[i + 1]), MathF.Abs(levels[i + 2] - earlier.levels[i + 2])));
            if (moved > PointTolerance) changed++;
        }
        return counted == 0 ? 1 : (float)changed / counted;
    }

    public bool ChangedSince(FaceAppearance earlier) => ShareChangedSince(earlier) > ChangedShare;
}
