using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;
using Likeness.Pipelines;
using Likeness.Pipelines.Views;
using Likeness.Tests.Support;
using Likeness.Vision.Identity;

namespace Likeness.Tests.Pipelines;

/// <summary>
/// Real photos from ../shared/testdata as a provider might return them. Jack Dorsey's img61 is a measured
/// three-quarter-left view (yaw about -18) and img16 three-quarter-right (+17); his other photos make the template.
/// </summary>
static class GatePhotos
{
    public const string JackLeft = "identity/jack_dorsey/img61.jpg";
    public const string JackRight = "identity/jack_dorsey/img16.jpg";
    public static readonly string[] JackTemplate = ["identity/jack_dorsey/img17.jpg", "identity/jack_dorsey/img59.jpg", "identity/jack_dorsey/img62.jpg"];
    public const string Angelina = "identity/angelina_jolie/img11.jpg";
    public static readonly string[] AngelinaTemplate = ["identity/angelina_jolie/img1.jpg", "identity/angelina_jolie/img6.jpg", "identity/angelina_jolie/img10.jpg"];
    /// <summary>Leonardo DiCaprio, head and shoulders: img34 three-quarter-left (yaw about -19), img35/img36 front, img37 half body.</summary>
    public const string LeoLeft = "identity/leonardo_dicaprio/img34.jpg";
    public const string LeoFront = "identity/leonardo_dicaprio/img35.jpg";
    public static readonly string[] LeoTemplate = ["identity/leonardo_dicaprio/img35.jpg", "identity/leonardo_dicaprio/img36.jpg", "identity/leonardo_dicaprio/img37.jpg"];
    public const string Couple = "portraits/deepface/couple.jpg";
    public const string MarkOnStage = "identity/mark_zuckerberg/img57.jpg";
    public static readonly string[] MarkTemplate = ["identity/mark_zuckerberg/img13.jpg", "identity/mark_zuckerberg/img14.jpg", "identity/mark_zuckerberg/img15.jpg"];

    public static async Task<IdentityTemplate> TemplateAsync(VisionEngine engine, params string[] photos)
    {
        var embeddings = new List<FaceEmbedding>();
        foreach (var p in photos)
        {
            var result = await engine.Identity.EmbedDominantFaceAsync(TestModels.Photo(p));
            embeddings.Add(result.Embedding ?? throw new InvalidOperationException($"{p}: {result.Problem}"));
        }
        return IdentityTemplate.FromEmbeddings(embeddings);
    }

    /// <summary>A square crop of the photo with the face (skull top to chin) at 45 % of the height, padded with white where the photo ends.</summary>
    public static async Task<RgbaImage> FramedForViewAsync(VisionEngine engine, RgbaImage photo)
    {
        var face = (await engine.Detector.DetectAsync(photo))[0];
        double skullTop = face.Box.Y - ViewsPipeline.SkullAboveBox * face.Box.Height;
        double faceHeight = face.Box.Bottom - skullTop;
        int side = (int)Math.Round(faceHeight / 0.45);
        int x = (int)Math.Round(face.Box.CenterX - side / 2.0), y = (int)Math.Round(skullTop - 0.12 * side);
        return photo.CropPadded(new Rect(x, y, side, side), new Rgba32(255, 255, 255));
    }

    /// <summary>A movie-still stand-in: the photo cut to the width at which the face is 20 % of it, full height kept (waist-up photos stay waist-up).</summary>
    public static async Task<byte[]> CinematicPngAsync(VisionEngine engine, string photo, bool mirrored = false)
    {
        var image = TestModels.Photo(photo);
        if (mirrored) image = image.FlipHorizontal();
        var face = (await engine.Detector.DetectAsync(image))[0];
        int width = Math.Min(image.Width, (int)Math.Round(face.Box.Width / 0.20));
        int x = Math.Clamp((int)Math.Round(face.Box.CenterX - width / 2.0), 0, image.Width - width);
        return Png(image.Crop(new Rect(x, 0, width, image.Height)));
    }

    public static async Task<byte[]> FramedPngAsync(VisionEngine engine, string photo, bool mirrored = false)
    {
        var image = TestModels.Photo(photo);
        if (mirrored) image = image.FlipHorizontal();
        return Png(await FramedForViewAsync(engine, image));
    }

    public static byte[] Png(RgbaImage image) => ImageCodec.Encode(image, ImageFormat.Png, new EncodeOptions { FastPngCompression = true });

    public static byte[] Raw(string photo) => File.ReadAllBytes(TestPaths.TestDataFile(photo));
}
