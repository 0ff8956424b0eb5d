using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;
using Likeness.Tests.Support;
using Likeness.Vision;
using Likeness.Vision.Faces;
using Likeness.Vision.Faces.Detection;
using Likeness.Vision.Faces.Landmarks;
using Xunit.Abstractions;

namespace Likeness.Tests.Vision;

public class LandmarksTests(ITestOutputHelper output)
{
    static YuNetDetector Detector() => new(TestModels.Require(YuNetDetector.Model));
    static FaceMeshLandmarker Mesh() => new(TestModels.Require(FaceMeshLandmarker.Model));
    static Landmark68Landmarker Points68() => new(TestModels.Require(Landmark68Landmarker.Model));

    internal static IEnumerable<string> IdentityPhotos()
    {
        var root = Path.Combine(TestPaths.TestData ?? throw new SkipException(TestPaths.SharedMissing), "identity");
        return Directory.EnumerateFiles(root, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal);
    }

    [SkippableFact]
    public async Task Mesh_points_are_named_by_image_side_with_depth()
    {
        var image = TestModels.Photo("portraits/skimage/astronaut.png");
        var face = (await Detector().DetectAsync(image))[0];
        var mesh = await Mesh().DetectAsync(image, face);
        output.WriteLine(mesh.ToString());

        Assert.Equal(468, mesh.Count);
        Assert.True(mesh.Presence > 0.9f, $"presence {mesh.Presence}");
        Assert.True(mesh.LeftEyeCenter.X < mesh.RightEyeCenter.X);
        Assert.True(mesh.LeftEyeOuter.X < mesh.LeftEyeInner.X && mesh.RightEyeInner.X < mesh.RightEyeOuter.X);
        Assert.True(mesh.LeftMouthCorner.X < mesh.RightMouthCorner.X);
        Assert.True(mesh.Forehead!.Value.Y < mesh.LeftEyeCenter.Y && mesh.LeftEyeCenter.Y < mesh.NoseTip.Y
            && mesh.NoseTip.Y < mesh.LeftMouthCorner.Y && mesh.LeftMouthCorner.Y < mesh.Chin.Y);
        // The nose tip is the nearest point to the camera; the cheek edges are far behind it.
        var z = mesh.Points.Select(p => p.Z).ToArray();
        Assert.Equal(z.Min(), mesh.Points[mesh.Layout.NoseTip].Z, 0.1 * (z.Max() - z.Min()));
        Assert.True(mesh.Points[234].Z > mesh.Points[1].Z + 0.3f * face.Box.Width);
        // The oval encloses the eyes and the mouth.
        var oval = mesh.Bounds;
        Assert.True(mesh.FaceOval.Min(p => p.X) < mesh.LeftEyeOuter.X && mesh.FaceOval.Max(p => p.X) > mesh.RightEyeOuter.X);
        Assert.InRange(oval.Width, 0.7f * face.Box.Width, 1.3f * face.Box.Width);
    }

    [SkippableFact]
    public async Task Mesh_agrees_with_the_detector_keypoints_on_every_identity_photo()
    {
        var detector = Detector();
        var mesh = Mesh();
        var errors = new List<(float Error, string File)>();
        foreach (var file in IdentityPhotos())
        {
            var image = ImageCodec.Load(file);
            var face = (await detector.DetectAsync(image))[0];
            errors.Add(((await mesh.DetectAsync(image, face)).NormalisedErrorTo(face.Keypoints), Path.GetFileName(file)));
        }
        errors.Sort();
        float median = errors[errors.Count / 2].Error, worst = errors[^1].Error;
        output.WriteLine($"{errors.Count} photos: 5-point error / eye distance median {median:0.000}, p90 {errors[(int)(errors.Count * 0.9)].Error:0.000}, worst {worst:0.000} ({errors[^1].File})");
        Assert.True(median < 0.08f, $"median {median}");
        Assert.True(worst < 0.15f, $"worst {worst}");
    }

    [SkippableFact]
    public async Task Mesh_on_a_flipped_photo_is_the_mirror_image()
    {
        var detector = Detector();
        var mesh = Mesh();
        foreach (var name in new[] { "portraits/skimage/astronaut.png", "identity/jack_dorsey/img59.jpg", "portraits/3ddfa/test2.jpg" })
        {
            var image = TestModels.Photo(name);
            var flipped = image.FlipHorizontal();
            var a = await mesh.DetectAsync(image, (await detector.DetectAsync(image))[0]);
            var b = await mesh.DetectAsync(flipped, (await detector.DetectAsync(flipped))[0]);
            Vector2 Back(Vector2 p) => new(image.Width - p.X, p.Y);
            float eyes = Vector2.Distance(a.LeftEyeCenter, a.RightEyeCenter);

            // Mirrored pairs swap: the flipped photo's image-right point is the original's image-left one.
            var pairErrors = a.Layout.MirrorPairs.Select(pair => Vector2.Distance(a[pair.Left], Back(b[pair.Right])) / eyes).Order().ToArray();
            var midline = a.Layout.Midline.Select(i => Vector2.Distance(a[i], Back(b[i])) / eyes).ToArray();
            output.WriteLine($"{name}: mirrored pairs median {pairErrors[pairErrors.Length / 2]:0.000} worst {pairErrors[^1]:0.000}, midline worst {midline.Max():0.000} (eye distances)");
            Assert.True(pairErrors[pairErrors.Length / 2] < 0.12f); // unmirrored indices would be off by half an eye distance or more
            Assert.True(pairErrors[^1] < 0.25f);
            Assert.True(midline.Max() < 0.2f);
            Assert.True(Vector2.Distance(a.LeftEyeCenter, Back(b.RightEyeCenter)) / eyes < 0.1f);
        }
    }

    [SkippableFact]
    public async Task Mesh_follows_a_strongly_tilted_face()
    {
        // YuNet's keypoints read a 45-degree tilt as about 10 degrees; the mesh re-crops along its own eye line.
        var image = TestModels.Photo("portraits/skimage/astronaut.png");
        var detector = Detector();
        var mesh = Mesh();
        var a = await mesh.DetectAsync(image, (await detector.DetectAsync(image))[0]);
        float eyes = Vector2.Distance(a.LeftEyeCenter, a.RightEyeCenter);
        foreach (var degrees in new[] { 30, 45 })
        {
            var rotation = AffineTransform.Rotation(degrees * Math.PI / 180, image.Width / 2.0, image.Height / 2.0);
            var tilted = image.WarpAffine(AffineTransform.Translation(0.5, 0.5).Then(rotation).Then(AffineTransform.Translation(-0.5, -0.5)),
                image.Width, image.Height, BorderMode.Replicate);
            var b = await mesh.DetectAsync(tilted, (await detector.DetectAsync(tilted))[0]);
            var back = rotation.Invert();
            var errors = Enumerable.Range(0, a.Count).Select(i => Vector2.Distance(a[i], back.Apply(b[i])) / eyes).Order().ToArray();
            output.WriteLine($"tilted {degrees}: presence {b.Presence:0.00}, point error / eye distance median {errors[errors.Length / 2]:0.000}, worst {errors[^1]:0.000}");
            Assert.True(errors[errors.Length / 2] < 0.05f);
        }
    }

    [SkippableFact]
    public async Task Presence_is_low_when_the_crop_holds_no_face()
    {
        var image = TestModels.Photo("backgrounds/opencv/building.jpg");
        var fake = new DetectedFace(new BoxF(300, 200, 200, 240), 1,
            [new(360, 280), new(440, 280), new(400, 330), new(370, 370), new(430, 370)]);
        var mesh = await Mesh().DetectAsync(image, fake);
        output.WriteLine($"presence on a wall: {mesh.Presence:0.000}");
        Assert.True(mesh.Presence < 0.5f);
    }

    [SkippableFact]
    public async Task Landmark68_fallback_agrees_with_the_detector_in_ibug_order()
    {
        var detector = Detector();
        var model = Points68();
        var errors = new List<float>();
        foreach (var file in IdentityPhotos())
        {
            var image = ImageCodec.Load(file);
            var face = (await detector.DetectAsync(image))[0];
            var points = await model.DetectAsync(image, face);
            Assert.Equal(68, points.Count);
            Assert.False(points.HasDepth);
            Assert.True(points[0].X < points[16].X && points[36].X < points[45].X && points[48].X < points[54].X, "jaw, eyes and mouth run image-left to image-right");
            Assert.True(points[27].Y < points[30].Y && points[30].Y < points[51].Y && points[51].Y < points[8].Y, "bridge, tip, lip, chin run downward");
            errors.Add(points.NormalisedErrorTo(face.Keypoints));
        }
        errors.Sort();
        output.WriteLine($"{errors.Count} photos: 68-point 5-point error median {errors[errors.Count / 2]:0.000}, worst {errors[^1]:0.000}");
        Assert.True(errors[errors.Count / 2] < 0.09f);
        Assert.True(errors[^1] < 0.2f);
    }
}
