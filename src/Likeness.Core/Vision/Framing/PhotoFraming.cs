namespace Likeness.Vision.Framing;

/// <summary>How much of the person a photo shows, from the widest to the tightest shot.</summary>
public enum PhotoFraming
{
    FullBody,
    HalfBody,
    HeadAndShoulders,
    /// <summary>The frame cuts the head: its top, the side of the face, and/or the shoulders are cut off.</summary>
    CloseCrop,
}

/// <summary>The framing of one photo and what the frame cuts off.</summary>
/// <param name="HeadCutAtTop">The photo's top edge cuts through the skull (the face box starts at or near it).</param>
/// <param name="NoShoulders">Less than about half a face height is left below the chin.</param>
/// <param name="BodyBelowChin">How far the person reaches below the chin, in face-box heights.</param>
/// <param name="FaceCutAtSide">The photo's left or right edge cuts through the face (the detector's box runs into it).</param>
public sealed record FramingResult(PhotoFraming Framing, bool HeadCutAtTop, bool NoShoulders, double BodyBelowChin, bool FaceCutAtSide = false)
{
    /// <summary>Kebab-case name for reports and JSON: full-body, half-body, head-and-shoulders, close-crop.</summary>
    public string Name => Framing switch
    {
        PhotoFraming.FullBody => "full-body",
        PhotoFraming.HalfBody => "half-body",
        PhotoFraming.HeadAndShoulders => "head-and-shoulders",
        _ => "close-crop",
    };

    /// <summary>What is cut off, in words a user understands.</summary>
    public string CutDescription
    {
        get
        {
            var cut = new List<string>();
            if (FaceCutAtSide) cut.Add("the side of the face");
            if (HeadCutAtTop) cut.Add("the top of the head");
            if (NoShoulders) cut.Add("the shoulders");
            if (cut.Count == 0) return "nothing is cut off";
            var what = cut.Count == 1 ? cut[0] : string.Join(", ", cut[..^1]) + " and " + cut[^1];
            return $"{what} {(cut.Count > 1 || NoShoulders ? "are" : "is")} cut off";
        }
    }
}
