using Likeness.Imaging;

namespace Likeness.Vision.Parsing;

/// <summary>Splits a photo of people into skin, clothes and hair.</summary>
public interface ISkinClothesHairParser
{
    string ModelName { get; }

    Task<SkinClothesHairMasks> ParseAsync(RgbaImage image, CancellationToken ct = default);
}
