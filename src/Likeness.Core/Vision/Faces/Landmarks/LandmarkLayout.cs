namespace Likeness.Vision.Faces.Landmarks;

/// <summary>
/// Which point of a landmark set is which. Everything is named by IMAGE side, as in
/// <see cref="DetectedFace"/>: "left eye" is the eye on the image's left (the subject's right eye
/// when the photo is not mirrored). Polygons are listed in order around their outline.
/// </summary>
public sealed partial class LandmarkLayout
{
    public required string Name { get; init; }
    public required int PointCount { get; init; }

    public required int NoseTip { get; init; }
    public required int Chin { get; init; }
    /// <summary>Top of the forehead on the face outline, or -1 when the layout has none (iBUG 68 stops at the brows).</summary>
    public required int Forehead { get; init; }
    public required int LeftEyeOuter { get; init; }
    public required int LeftEyeInner { get; init; }
    public required int RightEyeInner { get; init; }
    public required int RightEyeOuter { get; init; }
    public required int LeftMouthCorner { get; init; }
    public required int RightMouthCorner { get; init; }

    /// <summary>Outline of the face, in order; for iBUG 68 the jaw line closed over the brows.</summary>
    public required int[] FaceOval { get; init; }
    public required int[] LeftEye { get; init; }
    public required int[] RightEye { get; init; }
    public required int[] LeftBrow { get; init; }
    public required int[] RightBrow { get; init; }
    public required int[] OuterLips { get; init; }
    public required int[] InnerLips { get; init; }

    /// <summary>
    /// Pairs of points that swap under a horizontal mirror (image-left member first), spread over the
    /// whole face. Head pose reads the face's left-right axis from them.
    /// </summary>
    public required (int Left, int Right)[] MirrorPairs { get; init; }

    /// <summary>Points on the face's vertical centre line, from forehead (or nose bridge) down to the chin.</summary>
    public required int[] Midline { get; init; }

    public override string ToString() => Name;
}
