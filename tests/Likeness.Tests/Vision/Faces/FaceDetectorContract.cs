using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;
using Likeness.Inference;
using Likeness.Tests.Support;
using Likeness.Vision.Faces;
using Xunit.Abstractions;

namespace Likeness.Tests.Vision.Faces;

/// <summary>What every face detector must do on real photos; one derived class per detector runs them all.</summary>
public abstract class FaceDetectorContract(ITestOutputHelper output)
{
    protected ITestOutputHelper Output { get; } = output;

    protected abstract string Model { get; }
    protected abstract IFaceDetector Create(IModelSessions sessions);
    protected IFaceDetector Detector() => Create(TestModels.Require(Model));

    [SkippableFact]
    public async Task Couple_photo_has_two_faces()
    {
        var faces = await Detector().DetectAsync(TestModels.Photo("portraits/deepface/couple.jpg"));
        foreach (var f in faces) Output.WriteLine($"{f.Box} {f.Score:0.00}");
        Assert.Equal(2, faces.Count);
    }

    [SkippableFact]
    public async Task Selfie_with_many_people_has_at_least_five_faces_sorted_by_size()
    {
        var faces = await Detector().DetectAsync(TestModels.Photo("portraits/deepface/selfie-many-people.jpg"));
        Output.WriteLine($"{faces.Count} faces");
        Assert.True(faces.Count >= 5, $"found {faces.Count}");
        for (int i = 1; i < faces.Count; i++) Assert.True(faces[i - 1].Box.Area >= faces[i].Box.Area);
    }

    [SkippableFact]
    public async Task Keypoints_sit_inside_the_box_in_template_order()
    {
        var image = TestModels.Photo("portraits/skimage/astronaut.png");
        var face = Assert.Single(await Detector().DetectAsync(image));
        Output.WriteLine($"{face.Box} {string.Join(" ", face.Keypoints)}");
        Assert.All(face.Keypoints, p => Assert.True(p.X >= face.Box.X - 2 && p.X <= face.Box.Right + 2 && p.Y >= face.Box.Y - 2 && p.Y <= face.Box.Bottom + 2));
        Assert.True(face.LeftEye.X < face.RightEye.X, "image-left eye first");
        Assert.True(face.LeftMouth.X < face.RightMouth.X, "image-left mouth corner first");
        Assert.True(face.Nose.Y > face.LeftEye.Y && face.Nose.Y < face.LeftMouth.Y, "nose between eyes and mouth");
    }

    [SkippableFact]
    public async Task Flipped_image_gives_mirrored_box()
    {
        var image = TestModels.Photo("portraits/skimage/astronaut.png");
        var detector = Detector();
        var a = (await detector.DetectAsync(image))[0];
        var b = (await detector.DetectAsync(image.FlipHorizontal()))[0];
        Assert.InRange(b.Box.CenterX, image.Width - a.Box.CenterX - 4, image.Width - a.Box.CenterX + 4);
        Assert.InRange(b.Box.CenterY, a.Box.CenterY - 4, a.Box.CenterY + 4);
    }

    [SkippableFact]
    public async Task Large_photo_boxes_return_in_original_coordinates()
    {
        var image = TestModels.Photo("identity/scarlett_johansson/img49.jpg"); // 4352x2903
        var faces = await Detector().DetectAsync(image);
        Assert.NotEmpty(faces);
        var f = faces[0];
        Output.WriteLine($"{f.Box} of {image.Width}x{image.Height}");
        Assert.True(f.Box.Width > 200, "a large face in a large photo stays large in original pixels");
        Assert.True(f.Box.Right <= image.Width && f.Box.Bottom <= image.Height);
    }

    [SkippableFact]
    public async Task Every_identity_photo_has_one_dominant_face()
    {
        var detector = Detector();
        var failures = new List<string>();
        foreach (var file in IdentityPhotos())
        {
            var faces = await detector.DetectAsync(ImageCodec.Load(file));
            bool dominant = faces.Count == 1 || (faces.Count > 1 && faces[0].Box.Area > 2 * faces[1].Box.Area);
            if (!dominant) failures.Add($"{Path.GetFileName(Path.GetDirectoryName(file))}/{Path.GetFileName(file)}: {faces.Count} faces");
        }
        Output.WriteLine(string.Join("\n", failures));
        Assert.Empty(failures);
    }

    protected static IEnumerable<string> IdentityPhotos()
    {
        var root = Path.Combine(TestPaths.TestData ?? throw new Xunit.SkipException(TestPaths.SharedMissing), "identity");
        return Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".tsv")).Order();
    }
}
