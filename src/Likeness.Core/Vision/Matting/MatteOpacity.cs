using Likeness.Imaging;
using Likeness.Vision.Faces;

namespace Likeness.Vision.Matting;

/// <summary>Mean alpha where the matte must be solid: the inner face and, when the photo shows it, the upper chest.</summary>
/// <param name="Torso">Null when the photo has no room below the chin for a chest region.</param>
public sealed record MatteOpacity(double Face, double? Torso)
{
    /// <summary>Inside the face keypoint hull the matte must be practically solid.</summary>
    public const double MinFace = 0.95;
    /// <summary>The chest region can include background at a turned or bent body's edge (neck to upper chest, half a face width wide).</summary>
    public const double MinTorso = 0.9;

    public bool Opaque => Face >= MinFace && (Torso is null || Torso >= MinTorso);

    public override string ToString() => Torso is { } t ? $"face {Face:0.00}, torso {t:0.00}" : $"face {Face:0.00}";

    /// <summary>Measures the matte over the box spanning the five face keypoints (eyes to mouth) and over a chest
    /// region from 0.3 to 1.2 face heights below the chin, half a face width wide, centred under the face.</summary>
    public static MatteOpacity Measure(FloatPlane alpha, DetectedFace face)
    {
        float minX = float.MaxValue, minY = float.MaxValue, maxX = float.MinValue, maxY = float.MinValue;
        foreach (var p in face.Keypoints)
        {
            minX = Math.Min(minX, p.X); maxX = Math.Max(maxX, p.X);
            minY = Math.Min(minY, p.Y); maxY = Math.Max(maxY, p.Y);
        }
        var faceRegion = BoxF.FromEdges(minX, minY, maxX, maxY).ToRect(alpha.Width, alpha.Height);
        double faceAlpha = MeanOver(alpha, faceRegion) ?? 0;

        var box = face.Box;
        // Neck to upper chest, narrow enough to stay inside the neck: a bust whose shirt is half transparent fails here.
        var chest = BoxF.FromEdges(box.CenterX - 0.25f * box.Width, box.Bottom + 0.3f * box.Height,
            box.CenterX + 0.25f * box.Width, box.Bottom + 1.2f * box.Height).ToRect(alpha.Width, alpha.Height);
        // Only a chest region of a useful size counts; a close crop has none.
        double? torso = chest.Height >= Math.Max(2, 0.2 * box.Height) && chest.Width >= 2 ? MeanOver(alpha, chest) : null;
        return new MatteOpacity(Math.Round(faceAlpha, 3), torso is { } t ? Math.Round(t, 3) : null);
    }

    static double? MeanOver(FloatPlane alpha, Rect r)
    {
        if (r.Width <= 0 || r.Height <= 0) return null;
        double sum = 0;
        for (int y = r.Y; y < r.Bottom; y++)
        {
            var row = alpha.Row(y);
            for (int x = r.X; x < r.Right; x++) sum += row[x];
        }
        return sum / ((double)r.Width * r.Height);
    }
}
