using Likeness.Imaging;

namespace Likeness.Vision.Matting;

/// <summary>Separates the person from the background: an alpha matte at the photo's full resolution.</summary>
public interface IMatting
{
    string ModelName { get; }

    Task<MattingResult> MatteAsync(RgbaImage image, CancellationToken ct = default);
}
