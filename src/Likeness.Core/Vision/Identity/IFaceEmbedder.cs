using Likeness.Imaging;
using Likeness.Imaging.Tensors;

namespace Likeness.Vision.Identity;

/// <summary>Turns an ArcFace-aligned 112x112 face crop (see <see cref="Faces.Alignment.FaceAligner"/>) into an identity embedding.</summary>
public interface IFaceEmbedder
{
    string ModelName { get; }
    int Dimension { get; }
    FaceEmbedderOptions Options { get; }

    Task<FaceEmbedding> EmbedAsync(RgbaImage alignedCrop, CancellationToken ct = default);
}

/// <param name="ChannelOrder">Colour order of the model input (the models' sources disagree; calibration decides).</param>
/// <param name="FlipAverage">Also embed the mirrored crop and average: steadier for a second model run.</param>
public sealed record FaceEmbedderOptions(ChannelOrder ChannelOrder, bool FlipAverage);
