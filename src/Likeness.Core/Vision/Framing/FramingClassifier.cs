namespace Likeness.Vision.Framing;

/// <summary>
/// Classifies a photo's framing from the face box and, when a matte is known, how far the person reaches
/// below the chin and whether the bottom edge cuts them. Measures are in face-box heights (brows to chin),
/// so the result does not depend on the photo's resolution.
/// </summary>
public static class FramingClassifier
{
    /// <summary>The detector box starts near the hairline; less room above it than
    /// <see cref="MinRoomAboveFace"/> means the top edge cuts the head.</summary>
    public const double MinRoomAboveFace = 0.12;
    /// <summary>Below this much room under the chin there are no shoulders in the frame.</summary>
    public const double MinRoomBelowChin = 0.5;
    /// <summary>Up to this far below the chin: head and shoulders (a bust); beyond, half body.</summary>
    public const double MaxBustBelowChin = 2.2;
    /// <summary>A standing person whose feet are in the frame reaches at least this far below the chin.</summary>
    public const double MinFullBodyBelowChin = 6.0;

    /// <param name="personBottom">The lowest row of the person matte (exclusive), or null to use the photo's bottom edge.</param>
    /// <param name="touchesBottom">Whether the matte runs off the bottom edge; null when no matte was made.</param>
    public static FramingResult Classify(int photoWidth, int photoHeight, BoxF face, int? personBottom = null, bool? touchesBottom = null)
    {
        double fh = Math.Max(face.Height, 1);
        bool headCut = face.Y < MinRoomAboveFace * fh;
        // The detector clips its box to the photo: a box that reaches the left or right edge has a face cut there,
        // which would sit in a scene with a straight edge through the cheek.
        bool sideCut = face.X <= 0.5f || face.Right >= photoWidth - 0.5f;
        double roomBelowChin = (photoHeight - face.Bottom) / fh;
        bool noShoulders = roomBelowChin < MinRoomBelowChin;
        double below = Math.Max(0, ((personBottom ?? photoHeight) - face.Bottom) / fh);
        PhotoFraming framing;
        if (headCut || noShoulders || sideCut) framing = PhotoFraming.CloseCrop;
        else if (below <= MaxBustBelowChin) framing = PhotoFraming.HeadAndShoulders;
        else if (below >= MinFullBodyBelowChin && touchesBottom != true) framing = PhotoFraming.FullBody;
        else framing = PhotoFraming.HalfBody;
        return new FramingResult(framing, headCut, noShoulders, Math.Round(below, 2), sideCut);
    }

    /// <summary>With the person matte: how far the person reaches and whether the bottom edge cuts them.</summary>
    public static FramingResult Classify(BoxF face, Likeness.Vision.Matting.MattingResult matte) =>
        Classify(matte.Alpha.Width, matte.Alpha.Height, face, matte.PersonBounds?.Bottom, matte.TouchesBottomEdge);
}
