using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Drawing;
using Likeness.Imaging.Transforms;
using Likeness.Tests.Support;
using Likeness.Vision;
using Likeness.Vision.Faces;
using Likeness.Vision.Faces.Alignment;
using Likeness.Vision.Faces.Detection;
using Xunit.Abstractions;

namespace Likeness.Tests.Vision.Faces;

public class FaceAlignerTests(ITestOutputHelper output)
{
    static readonly Rgba32[] Colours = [new(255, 0, 0), new(0, 255, 0), new(0, 0, 255), new(255, 255, 0), new(0, 255, 255)];

    /// <summary>Coloured dots placed by a known similarity of the template must come back onto the template.</summary>
    [Theory]
    [InlineData(3.0, 0.0, 200, 150)]
    [InlineData(2.2, 25.0, 320, 90)]
    [InlineData(4.5, -40.0, 150, 260)]
    [InlineData(1.0, 10.0, 400, 300)]
    public void Synthetic_keypoints_land_on_the_template_transform_and_pixels(double scale, double degrees, double tx, double ty)
    {
        var templateToImage = AffineTransform.Similarity(scale, degrees * Math.PI / 180, tx, ty);
        var keypoints = ArcFaceTemplate.Points112.Select(templateToImage.Apply).ToArray();
        var image = RgbaImage.Filled(900, 800, new Rgba32(0, 0, 0));
        for (int i = 0; i < keypoints.Length; i++) image.FillCircle(keypoints[i], (float)(2.5 * scale), Colours[i], antialias: false);
        var face = new DetectedFace(new BoxF(0, 0, 10, 10), 1, keypoints);

        var aligned = FaceAligner.Align(image, face);

        Assert.Equal(112, aligned.Size);
        Assert.True(aligned.TemplateResidual() < 1e-3f, $"residual {aligned.TemplateResidual()}");
        for (int i = 0; i < keypoints.Length; i++)
        {
            var centroid = Centroid(aligned.Image, Colours[i]);
            output.WriteLine($"point {i}: template {ArcFaceTemplate.Points112[i]}, dot centroid {centroid}");
            Assert.True(Vector2.Distance(centroid, ArcFaceTemplate.Points112[i]) < 0.75f, $"point {i} at {centroid}");
            Assert.True(Vector2.Distance(aligned.ToImage(aligned.ToCrop(keypoints[i])), keypoints[i]) < 1e-3f, "maps back");
        }
    }

    [Fact]
    public void Larger_crops_scale_the_template()
    {
        var keypoints = ArcFaceTemplate.Points112.Select(p => p * 2 + new Vector2(10, 20)).ToArray();
        var aligned = FaceAligner.Align(RgbaImage.Filled(300, 300, new Rgba32(90, 90, 90)), new DetectedFace(new BoxF(0, 0, 1, 1), 1, keypoints), size: 224);
        Assert.Equal(224, aligned.Image.Width);
        Assert.True(Vector2.Distance(aligned.ToCrop(keypoints[0]), ArcFaceTemplate.Points112[0] * 2) < 1e-3f);
    }

    /// <summary>
    /// Real photos: the detector's eyes map within 3 px (at 112) of the template, and an independent
    /// re-detection on the aligned crop finds the eyes there too (within 4 px: the detector adds its own error), so the warped pixels are right.
    /// </summary>
    [SkippableFact]
    public async Task Real_photos_put_the_eyes_on_the_template()
    {
        const float MappedTolerance = 3f, RedetectedTolerance = 4f;
        var detector = new YuNetDetector(TestModels.Require(YuNetDetector.Model));
        string[] photos =
        [
            "portraits/skimage/astronaut.png", "identity/angelina_jolie/img1.jpg", "identity/elon_musk/img18.jpg",
            "identity/scarlett_johansson/img49.jpg", "identity/sundar_pichai/img24.jpg", "identity/jeff_bezos/img20.jpg", "identity/katy_perry/img26.jpg",
        ];
        var template = ArcFaceTemplate.Points112;
        float worstMapped = 0, worstRedetected = 0;
        foreach (var photo in photos)
        {
            var image = TestModels.Photo(photo);
            var aligned = FaceAligner.Align(image, (await detector.DetectAsync(image))[0]);
            var mapped = aligned.KeypointsInCrop();
            float mappedError = Math.Max(Vector2.Distance(mapped[0], template[0]), Vector2.Distance(mapped[1], template[1]));

            // Re-detect on a 224 crop (the detector is unsteady on 112-px faces), padded so the face is not
            // cut at the edge, and compare in 112-px units.
            var large = FaceAligner.Align(image, aligned.Face, size: 224);
            var padded = large.Image.Pad(112, 112, 112, 112, new Rgba32(0, 0, 0));
            var again = (await detector.DetectAsync(padded))[0];
            var offset = new Vector2(112, 112);
            float redetectedError = Math.Max(Vector2.Distance((again.LeftEye - offset) / 2, template[0]), Vector2.Distance((again.RightEye - offset) / 2, template[1]));

            output.WriteLine($"{photo}: mapped eyes off by {mappedError:0.00}px, re-detected {redetectedError:0.00}px (residual {aligned.TemplateResidual():0.00})");
            worstMapped = Math.Max(worstMapped, mappedError);
            worstRedetected = Math.Max(worstRedetected, redetectedError);
        }
        Assert.True(worstMapped <= MappedTolerance, $"mapped eyes off by {worstMapped:0.00}px");
        Assert.True(worstRedetected <= RedetectedTolerance, $"re-detected eyes off by {worstRedetected:0.00}px");
    }

    static Vector2 Centroid(RgbaImage img, Rgba32 colour)
    {
        double sx = 0, sy = 0, n = 0;
        for (int y = 0; y < img.Height; y++)
        for (int x = 0; x < img.Width; x++)
        {
            var p = img[x, y];
            // Weight by closeness to the dot colour so bilinear edges count partially.
            double w = 1 - (Math.Abs(p.R - colour.R) + Math.Abs(p.G - colour.G) + Math.Abs(p.B - colour.B)) / (3 * 255.0);
            if (w < 0.7 || (p.R | p.G | p.B) == 0) continue;
            sx += x * w; sy += y * w; n += w;
        }
        Assert.True(n > 0, $"no {colour} pixels in the crop");
        return new Vector2((float)(sx / n), (float)(sy / n));
    }
}
