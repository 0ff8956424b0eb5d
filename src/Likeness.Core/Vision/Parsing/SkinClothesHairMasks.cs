using Likeness.Imaging;

namespace Likeness.Vision.Parsing;

/// <summary>Soft 0..1 masks at the size of the image that was parsed.</summary>
public sealed record SkinClothesHairMasks(FloatPlane Skin, FloatPlane Clothes, FloatPlane Hair)
{
    public int Width => Skin.Width;
    public int Height => Skin.Height;
}
