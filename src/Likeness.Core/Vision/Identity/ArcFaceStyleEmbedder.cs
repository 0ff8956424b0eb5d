using Likeness.Imaging;
using Likeness.Imaging.Tensors;
using Likeness.Imaging.Transforms;
using Likeness.Inference;
using Likeness.Vision.Faces.Alignment;

namespace Likeness.Vision.Identity;

/// <summary>
/// The shared recipe of InsightFace-style recognisers: 112x112 aligned crop, (x - 127.5) / 128, NCHW,
/// one vector out, L2-normalised. With flip averaging the mirrored crop's unit vector is added before normalising.
/// </summary>
public abstract class ArcFaceStyleEmbedder(IModelSessions sessions, FaceEmbedderOptions options) : IFaceEmbedder
{
    static readonly TensorNormalization Normalization = new(1f, [127.5f, 127.5f, 127.5f], [128f, 128f, 128f]);
    const int Size = ArcFaceTemplate.Size;

    public abstract string ModelName { get; }
    public abstract int Dimension { get; }
    public FaceEmbedderOptions Options => options;

    public async Task<FaceEmbedding> EmbedAsync(RgbaImage alignedCrop, CancellationToken ct = default)
    {
        if (alignedCrop.Width != Size || alignedCrop.Height != Size)
            throw new ArgumentException($"{ModelName} needs a {Size}x{Size} aligned face crop, got {alignedCrop.Width}x{alignedCrop.Height}: align it with FaceAligner.Align(image, face)", nameof(alignedCrop));
        var session = await sessions.GetAsync(ModelName, ct);
        ct.ThrowIfCancellationRequested();

        var vector = FaceEmbedding.Normalized(Run(session, alignedCrop));
        if (options.FlipAverage)
        {
            var mirrored = FaceEmbedding.Normalized(Run(session, alignedCrop.FlipHorizontal()));
            for (int i = 0; i < vector.Length; i++) vector[i] += mirrored[i];
        }
        return new FaceEmbedding(vector, ModelName);
    }

    float[] Run(InferenceSession session, RgbaImage crop)
    {
        var input = ImageTensor.ToTensor(crop, TensorLayout.Nchw, options.ChannelOrder, Normalization);
        var output = session.Run(Tensor.FromFloats(input, 1, 3, Size, Size))[0].Value.AsFloats();
        if (output.Length != Dimension)
            throw new LikenessException($"model '{ModelName}' returned {output.Length} values, expected a {Dimension}-d embedding: check the model file with `likeness models verify {ModelName}`");
        return output;
    }
}
