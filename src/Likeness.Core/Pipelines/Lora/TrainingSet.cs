using System.IO.Compression;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;
using Likeness.Vision.Faces.Pose;

namespace Likeness.Pipelines.Lora;

/// <summary>
/// LoRA training photos as providers want them: square, face-centred crops (the head and shoulders, face box about
/// 40 % of the side) at <see cref="Side"/> px, JPEG, in one zip.
/// </summary>
public static class TrainingSet
{
    public const int Side = 1024;
    public const int MinPhotos = 3;

    public sealed record Result(byte[] Zip, int Photos, IReadOnlyList<string> Skipped, int Profiles)
    {
        /// <summary>Set when no photo shows a profile: the LoRA sees the person only from the front and tends to fail side views.</summary>
        public string? Warning => Profiles == 0 ? "no photo shows the person in profile: the LoRA may not learn the side view (add one with the nose pointing to the frame's edge)" : null;
    }

    public static async Task<Result> BuildAsync(VisionEngine engine, IReadOnlyList<EncodedImage> photos, CancellationToken ct = default)
    {
        using var buffer = new MemoryStream();
        var skipped = new List<string>();
        int n = 0, profiles = 0;
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var photo in photos)
            {
                RgbaImage image;
                try { image = photo.Decode(); }
                catch (LikenessException e) { skipped.Add(e.Message); continue; }
                if (await engine.DominantFaceAsync(image, ct) is not { } face) { skipped.Add($"{photo.Name}: no face found"); continue; }
                if ((await engine.HeadPoseAsync(image, face, ct)).View.IsProfile()) profiles++;
                var crop = FaceCentred(image, face.Box);
                await using var entry = zip.CreateEntry($"{++n:000}.jpg", CompressionLevel.NoCompression).Open();
                await entry.WriteAsync(ImageCodec.Encode(crop, ImageFormat.Jpeg, new EncodeOptions { Quality = 95 }), ct);
            }
        }
        return new Result(buffer.ToArray(), n, skipped, profiles);
    }

    /// <summary>The largest square around the face, up to 2.5 face heights, kept inside the photo; scaled down to <see cref="Side"/>.</summary>
    public static RgbaImage FaceCentred(RgbaImage image, Likeness.Vision.BoxF face)
    {
        int side = (int)Math.Min(Math.Min(image.Width, image.Height), Math.Round(face.Height * 2.5));
        int x = Math.Clamp((int)Math.Round(face.CenterX - side / 2.0), 0, image.Width - side);
        int y = Math.Clamp((int)Math.Round(face.CenterY - side * 0.45), 0, image.Height - side);
        var crop = image.Crop(new Rect(x, y, side, side));
        return side > Side ? crop.Resize(Side, Side, ResizeMethod.Area) : crop;
    }
}
