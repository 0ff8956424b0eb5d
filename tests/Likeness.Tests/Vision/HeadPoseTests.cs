using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;
using Likeness.Tests.Support;
using Likeness.Vision.Faces;
using Likeness.Vision.Faces.Detection;
using Likeness.Vision.Faces.Landmarks;
using Likeness.Vision.Faces.Pose;
using Xunit.Abstractions;

namespace Likeness.Tests.Vision;

public class HeadPoseTests(ITestOutputHelper output)
{
    // Measured on 62 identity photos + astronaut: |yaw + flipped yaw| median 1.5, p90 3.4, max 6.2 (astronaut reads -3 both ways).
    const float MirrorTolerance = 7;

    static YuNetDetector Detector() => new(TestModels.Require(YuNetDetector.Model));
    static FaceMeshLandmarker Mesh() => new(TestModels.Require(FaceMeshLandmarker.Model));

    static async Task<(DetectedFace Face, HeadPose Mesh)> PoseOf(RgbaImage image, YuNetDetector detector, IFaceLandmarker landmarker)
    {
        var face = (await detector.DetectAsync(image))[0];
        return (face, HeadPoseEstimator.Estimate(await landmarker.DetectAsync(image, face)));
    }

    /// <summary>The middle panel of emma.jpg, the near-profile one.</summary>
    static RgbaImage EmmaProfile()
    {
        var collage = TestModels.Photo("portraits/3ddfa_v2/emma.jpg");
        int third = collage.Width / 3;
        return collage.Crop(new Rect(third, 0, third, collage.Height));
    }

    [Fact]
    public void Views_follow_the_documented_thresholds_and_swap_under_a_mirror()
    {
        Assert.Equal(FaceView.Front, FaceViews.FromYaw(0));
        Assert.Equal(FaceView.Front, FaceViews.FromYaw(-14.9f));
        Assert.Equal(FaceView.ThreeQuarterRight, FaceViews.FromYaw(15));
        Assert.Equal(FaceView.ThreeQuarterLeft, FaceViews.FromYaw(-30));
        Assert.Equal(FaceView.ThreeQuarterRight, FaceViews.FromYaw(40));
        Assert.Equal(FaceView.ProfileRight, FaceViews.FromYaw(41));
        Assert.Equal(FaceView.ProfileLeft, FaceViews.FromYaw(-80));
        foreach (var view in Enum.GetValues<FaceView>()) Assert.Equal(view, view.Mirrored().Mirrored());
        Assert.Equal(FaceView.ProfileLeft, FaceView.ProfileRight.Mirrored());
        Assert.Equal(FaceView.Front, FaceView.Front.Mirrored());
    }

    [SkippableFact]
    public async Task Flipping_negates_yaw_and_roll_and_swaps_the_view_on_every_identity_photo()
    {
        var detector = Detector();
        var mesh = Mesh();
        var errors = new List<float>();
        var files = LandmarksTests.IdentityPhotos().Append(TestPaths.TestDataFile("portraits/skimage/astronaut.png")).ToList();
        foreach (var file in files)
        {
            var image = ImageCodec.Load(file);
            var (_, a) = await PoseOf(image, detector, mesh);
            var (_, b) = await PoseOf(image.FlipHorizontal(), detector, mesh);
            output.WriteLine($"{Path.GetFileName(file),-12} {a}  |  flipped {b}");
            errors.Add(MathF.Abs(a.Yaw + b.Yaw));
            Assert.True(MathF.Abs(a.Yaw + b.Yaw) < MirrorTolerance, $"{file}: yaw {a.Yaw:0.0}, flipped {b.Yaw:0.0}");
            Assert.True(MathF.Abs(a.Roll + b.Roll) < MirrorTolerance, $"{file}: roll {a.Roll:0.0}, flipped {b.Roll:0.0}");
            Assert.True(MathF.Abs(a.Pitch - b.Pitch) < 2 * MirrorTolerance, $"{file}: pitch {a.Pitch:0.0}, flipped {b.Pitch:0.0}");
            if (!NearThreshold(a.Yaw)) Assert.Equal(a.View.Mirrored(), b.View);
        }
        errors.Sort();
        output.WriteLine($"{files.Count} photos: |yaw + flipped yaw| median {errors[errors.Count / 2]:0.0}, p90 {errors[(int)(errors.Count * 0.9)]:0.0}, max {errors[^1]:0.0} degrees");
    }

    /// <summary>Within the mirror tolerance of a view boundary either view is a fair answer.</summary>
    static bool NearThreshold(float yaw) =>
        MathF.Abs(MathF.Abs(yaw) - FaceViews.FrontMaxYaw) < MirrorTolerance || MathF.Abs(MathF.Abs(yaw) - FaceViews.ThreeQuarterMaxYaw) < MirrorTolerance;

    [SkippableFact]
    public async Task Frontal_astronaut_is_front_with_a_small_yaw()
    {
        var (face, pose) = await PoseOf(TestModels.Photo("portraits/skimage/astronaut.png"), Detector(), Mesh());
        output.WriteLine($"{pose}; keypoints: {HeadPoseEstimator.Estimate(face)}");
        Assert.Equal(FaceView.Front, pose.View);
        Assert.InRange(pose.Yaw, -5, 5);
        Assert.InRange(pose.Pitch, -10, 10);
        Assert.Equal(FaceView.Front, HeadPoseEstimator.Estimate(face).View);
    }

    [SkippableFact]
    public async Task Profile_and_three_quarter_photos_are_not_front_and_point_the_right_way()
    {
        var detector = Detector();
        var mesh = Mesh();
        // Nose toward the image's right edge in camera.png (profile), left in test2.jpg (3/4 to profile)
        // and in emma's middle panel (near profile); with_mask049 is a 3/4-profile facing right.
        var cases = new (string Name, RgbaImage Image, int Sign)[]
        {
            ("camera.png", TestModels.Photo("portraits/skimage/camera.png"), +1),
            ("test2.jpg", TestModels.Photo("portraits/3ddfa/test2.jpg"), -1),
            ("emma.jpg middle", EmmaProfile(), -1),
            ("with_mask049.jpg", TestModels.Photo("portraits/face_mask_detection/with_mask049.jpg"), +1),
        };
        foreach (var (name, image, sign) in cases)
        {
            var (face, pose) = await PoseOf(image, detector, mesh);
            var fallback = HeadPoseEstimator.Estimate(face);
            output.WriteLine($"{name}: {pose}; keypoints: {fallback}");
            Assert.NotEqual(FaceView.Front, pose.View);
            Assert.Equal(sign, MathF.Sign(pose.Yaw));
            Assert.True(MathF.Abs(pose.Yaw) > 20, $"{name} yaw {pose.Yaw}");
            Assert.NotEqual(FaceView.Front, fallback.View);
            Assert.Equal(sign, MathF.Sign(fallback.Yaw));
        }
    }

    [SkippableFact]
    public async Task Near_profiles_are_classified_profile()
    {
        var detector = Detector();
        var mesh = Mesh();
        var (_, camera) = await PoseOf(TestModels.Photo("portraits/skimage/camera.png"), detector, mesh);
        var (_, emma) = await PoseOf(EmmaProfile(), detector, mesh);
        output.WriteLine($"camera.png: {camera}\nemma middle: {emma}");
        Assert.Equal(FaceView.ProfileRight, camera.View);
        Assert.Equal(FaceView.ProfileLeft, emma.View);
    }

    [SkippableFact]
    public async Task Head_turned_photo_reads_the_turn_from_every_source()
    {
        // MANIFEST: jack_dorsey/img59 "head turned" (nose toward the image's left edge). It measures about
        // -9 degrees, so by the 15-degree boundary it still counts as Front; the sign is what must hold.
        var image = TestModels.Photo("identity/jack_dorsey/img59.jpg");
        var detector = Detector();
        var (face, mesh) = await PoseOf(image, detector, Mesh());
        var points68 = HeadPoseEstimator.Estimate(await new Landmark68Landmarker(TestModels.Require(Landmark68Landmarker.Model)).DetectAsync(image, face));
        var keypoints = HeadPoseEstimator.Estimate(face);
        output.WriteLine($"mesh {mesh}\n68 {points68}\nkeypoints {keypoints}");
        Assert.All(new[] { mesh, points68, keypoints }, p => Assert.InRange(p.Yaw, -30, -4));
        Assert.Equal(HeadPoseSource.FaceMesh, mesh.Source);
        Assert.Equal(HeadPoseSource.Landmarks2D, points68.Source);
        Assert.Equal(HeadPoseSource.Keypoints, keypoints.Source);
    }

    [SkippableFact]
    public async Task Keypoint_fallback_agrees_with_the_mesh_in_sign()
    {
        var detector = Detector();
        var mesh = Mesh();
        int compared = 0;
        foreach (var file in LandmarksTests.IdentityPhotos())
        {
            var (face, pose) = await PoseOf(ImageCodec.Load(file), detector, mesh);
            var fallback = HeadPoseEstimator.Estimate(face);
            if (MathF.Abs(pose.Yaw) < 8) continue; // too close to frontal for the sign to mean much
            compared++;
            output.WriteLine($"{Path.GetFileName(file)}: mesh {pose.Yaw:0.0}, keypoints {fallback.Yaw:0.0}");
            Assert.Equal(MathF.Sign(pose.Yaw), MathF.Sign(fallback.Yaw));
        }
        Assert.True(compared >= 5, $"only {compared} turned photos");
    }
}
