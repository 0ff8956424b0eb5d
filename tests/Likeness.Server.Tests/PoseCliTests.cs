using System.Diagnostics;
using System.Text.Json;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Server.Tests.Support;
using Likeness.Vision.Pose;
using Likeness.Vision.Pose.Templates;

namespace Likeness.Server.Tests;

/// <summary>`likeness pose list|show|render|compare|extract` as a user runs them: files, exit codes 0/1/2, messages.</summary>
[Collection(EngineCollection.Name)]
public sealed class PoseCliTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "likeness-tests", "pose-cli-" + Guid.NewGuid().ToString("N"));

    public PoseCliTests() => Directory.CreateDirectory(_dir);
    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    static Task<(int Exit, string Out, string Err)> Likeness(params string[] arguments) => CliProcess.RunAsync(arguments);

    [Fact]
    public async Task List_shows_the_catalogue_and_filters_by_category()
    {
        var (exit, text, _) = await Likeness("pose", "list", "--json");
        Assert.Equal(0, exit);
        var all = JsonDocument.Parse(text).RootElement.EnumerateArray().ToList();
        Assert.True(all.Count >= 40);
        var (_, walkingText, _) = await Likeness("pose", "list", "--category", "walking", "--json");
        var walking = JsonDocument.Parse(walkingText).RootElement.EnumerateArray().ToList();
        Assert.NotEmpty(walking);
        Assert.True(walking.Count < all.Count);
        Assert.All(walking, p => Assert.Equal("walking", p.GetProperty("category").GetString()));
    }

    [Fact]
    public async Task Render_writes_a_control_image_at_the_asked_size_and_the_mirror_differs_by_limb_colours()
    {
        var id = PoseCatalog.Bundled.Poses.First(p => p.Id == "golf-swing").Id;
        var plain = Path.Combine(_dir, "golf.png");
        var mirrored = Path.Combine(_dir, "golf-mirrored.png");
        Assert.Equal(0, (await Likeness("pose", "render", id, "--out", plain, "--size", "512x768")).Exit);
        Assert.Equal(0, (await Likeness("pose", "render", id, "--out", mirrored, "--size", "512x768", "--mirror")).Exit);
        var a = ImageCodec.Load(plain);
        var b = ImageCodec.Load(mirrored);
        Assert.Equal((512, 768), (a.Width, a.Height));
        Assert.Equal(new Rgba32(0, 0, 0), a[0, 0]);
        // The nose (red) sits where the template says, on the black canvas.
        var nose = PoseCatalog.Bundled.Get(id).OnCanvas(512, 768)[OpenPose18.Nose]!.Value;
        Assert.Equal(OpenPose18.Colours[OpenPose18.Nose], a[(int)MathF.Round(nose.X), (int)MathF.Round(nose.Y)]);
        // A mirror pose is not the flipped picture: the limb colours follow the subject's left and right.
        var flipped = global::Likeness.Imaging.Transforms.Geometry.FlipHorizontal(a);
        int differing = 0;
        for (int y = 0; y < a.Height; y++) for (int x = 0; x < a.Width; x++) if (flipped[x, y] != b[x, y]) differing++;
        Assert.True(differing > 500, $"{differing} pixels differ between the flipped picture and the mirrored pose");

        var folder = Path.Combine(_dir, "all");
        var sheet = Path.Combine(_dir, "sheet.png");
        var (exit, _, _) = await Likeness("pose", "render", "all", "--out", folder, "--long-side", "256", "--sheet", sheet);
        Assert.Equal(0, exit);
        Assert.Equal(PoseCatalog.Bundled.Poses.Count, Directory.GetFiles(folder, "*.png").Length);
        Assert.True(ImageCodec.Load(sheet).Width > 1000);
    }

    [Fact]
    public async Task Unknown_poses_bad_sizes_and_bad_catalogues_exit_2_with_the_fix()
    {
        var (exit, _, err) = await Likeness("pose", "render", "no-such-pose", "--out", Path.Combine(_dir, "x.png"));
        Assert.Equal(2, exit);
        Assert.Contains("likeness pose list", err);
        (exit, _, err) = await Likeness("pose", "render", "golf-swing", "--out", Path.Combine(_dir, "x.png"), "--size", "big");
        Assert.Equal(2, exit);
        Assert.Contains("WIDTHxHEIGHT", err);
        var broken = Path.Combine(_dir, "broken.json");
        File.WriteAllText(broken, "{oops");
        (exit, _, err) = await Likeness("pose", "list", "--catalog", broken);
        Assert.Equal(2, exit);
        Assert.Contains("not valid JSON", err);
    }

    [Fact]
    public async Task Compare_says_when_a_pose_is_the_mirror_image()
    {
        var (exit, text, _) = await Likeness("pose", "compare", "golf-swing", "golf-swing-mirrored");
        Assert.Equal(0, exit);
        Assert.Contains("MIRROR", text);
        (_, text, _) = await Likeness("pose", "compare", "golf-swing", "golf-swing");
        Assert.Contains("similarity 1.000", text);
        Assert.DoesNotContain("MIRROR", text);
    }

    [SkippableFact]
    public async Task Extract_turns_real_photos_into_a_catalogue_and_refuses_a_photo_without_a_body()
    {
        var mirror = TestPhotos.SharedModels();
        var golf = Path.Combine(_dir, "golf.jpg");
        File.WriteAllBytes(golf, TestPhotos.Shared("fullbody/tf_pose/golf.jpg"));
        var catalog = Path.Combine(_dir, "mine.json");
        var draw = Path.Combine(_dir, "draw");

        var (exit, text, err) = await Likeness("pose", "extract", golf, "--id", "my-swing", "--category", "sport", "--tags", "golf,mine",
            "--out", catalog, "--draw", draw, "--mirror", mirror);
        Assert.True(exit == 0, text + err);
        Assert.Contains("my-swing", text);
        var mine = PoseCatalog.Load(catalog);
        var pose = Assert.Single(mine.Poses);
        Assert.Equal(["golf", "mine"], pose.Tags);
        Assert.Equal("golf.jpg", pose.Source!.Photo);
        Assert.True(PoseSimilarity.Score(PoseCatalog.Bundled.Get("golf-swing"), pose) > 0.9f, "the same photo gives the bundled golf pose");
        Assert.True(File.Exists(Path.Combine(draw, "my-swing-control.png")));
        Assert.True(File.Exists(Path.Combine(draw, "sheet.png")));
        // The user's catalogue works with the other subcommands.
        (exit, text, _) = await Likeness("pose", "list", "--catalog", catalog);
        Assert.Equal(0, exit);
        Assert.Contains("my-swing", text);

        // A landscape without people: no usable pose, exit 1, the reason and what to do.
        var empty = Path.Combine(_dir, "rocket.jpg");
        File.WriteAllBytes(empty, TestPhotos.Shared("backgrounds/skimage/rocket.jpg"));
        (exit, text, err) = await Likeness("pose", "extract", empty, "--mirror", mirror);
        Assert.True(exit == 1, text + err);
        Assert.Contains("joints are confident", text);
        Assert.Contains("--box", text);

        (exit, _, err) = await Likeness("pose", "extract", golf, "--category", "dancing", "--mirror", mirror);
        Assert.Equal(2, exit);
        Assert.Contains("unknown category", err);
    }
}
