using Likeness.Imaging;
using Likeness.Vision;
using Likeness.Vision.Framing;

namespace Likeness.Compositing;

/// <summary>What placement needs to know about the person photo: the cut-out's box, the face box, and
/// whether the cut-out runs off the photo's bottom edge (waist-up and chest-up shots), and the photo's framing when known.</summary>
public sealed record PersonLayout(int PhotoWidth, int PhotoHeight, Rect CutoutBox, BoxF? Face, bool TouchesBottom, PhotoFraming? Framing = null)
{
    /// <summary>The person's lowest edge is a cut (the photo's bottom edge, or a bust's shoulders) and belongs on the
    /// scene's bottom edge; a full body instead stands on the ground line.</summary>
    public bool AnchorsAtBottom => Framing switch
    {
        PhotoFraming.FullBody => TouchesBottom,
        PhotoFraming.HeadAndShoulders or PhotoFraming.CloseCrop => true,
        _ => TouchesBottom,
    };

    /// <summary>The cut-out box of an alpha matte (pixels above <paramref name="threshold"/>), or null when empty.</summary>
    public static Rect? CutoutBoxOf(FloatPlane alpha, float threshold = 0.5f) => alpha.BoundsAbove(threshold);

    /// <summary>True when a noticeable run of the bottom row belongs to the person.</summary>
    public static bool TouchesBottomEdge(FloatPlane alpha, float minFraction = 0.03f)
    {
        var row = alpha.Row(alpha.Height - 1);
        int count = 0;
        foreach (var a in row) if (a > 0.5f) count++;
        return count >= Math.Max(1, minFraction * alpha.Width);
    }

    public static PersonLayout From(FloatPlane alpha, BoxF? face)
    {
        var box = CutoutBoxOf(alpha) ?? throw new LikenessException("the matte found no person in the photo: use a photo where the person is clearly visible");
        return new PersonLayout(alpha.Width, alpha.Height, box, face, TouchesBottomEdge(alpha));
    }
}
