namespace Likeness.Vision.Framing;

/// <summary>How much of the person a photo shows, from the widest to the tightest shot.</summary>
public enum PhotoFraming
{
    FullBody,
    HalfBody,
    HeadAndShoulders,
    /// <summary>The face fills the photo: the top of the head and/or the shoulders are cut off.</summary>
    CloseCrop,
}

/// <summary>The framing of one photo and what the frame cuts off.</summary>
/// <param name="HeadCutAtTop">The photo's top edge cuts through the skull (the face box starts at or near it).</param>
/// <param name="NoShoulders">Less than about half a face height is left below the chin.</param>
/// <param name="BodyBelowChin">How far the person reaches below the chin, in face-box heights.</param>
public sealed record FramingResult(PhotoFraming Framing, bool HeadCutAtTop, bool NoShoulders, double BodyBelowChin)
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
    public string CutDescription => (HeadCutAtTop, NoShoulders) switch
    {
        (true, true) => "the top of the head and the shoulders are cut off",
        (true, false) => "the top of the head is cut off",
        (false, true) => "the shoulders are cut off",
        _ => "nothing is cut off",
    };
}
