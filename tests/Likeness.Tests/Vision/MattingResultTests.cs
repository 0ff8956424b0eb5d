using Likeness.Imaging;
using Likeness.Tests.Support;
using Likeness.Vision.Matting;

namespace Likeness.Tests.Vision;

/// <summary>The result's helpers, the person gate and the factory, on hand-made mattes (no model runs).</summary>
public class MattingResultTests
{
    static FloatPlane Box(int w, int h, Rect r, float value = 1f)
    {
        var p = new FloatPlane(w, h);
        for (int y = r.Y; y < r.Bottom; y++)
        for (int x = r.X; x < r.Right; x++) p[x, y] = value;
        return p;
    }

    [SkippableFact]
    public void Coverage_bounds_and_bottom_edge_follow_the_alpha()
    {
        var photo = TestModels.Photo("portraits/skimage/astronaut.png");
        var standing = MattingResult.Create(photo, Box(512, 512, new Rect(100, 50, 200, 300)), "test");
        Assert.Equal(200.0 * 300 / (512 * 512), standing.Coverage, 6);
        Assert.Equal(new Rect(100, 50, 200, 300), standing.PersonBounds);
        Assert.False(standing.TouchesBottomEdge);

        var cropped = MattingResult.Create(photo, Box(512, 512, new Rect(100, 300, 200, 212)), "test");
        Assert.True(cropped.TouchesBottomEdge);
        Assert.Equal(200.0 / 512, cropped.BottomEdgeCoverage, 6);

        var nobody = MattingResult.Create(photo, new FloatPlane(512, 512), "test");
        Assert.Null(nobody.PersonBounds);
        Assert.Equal(0, nobody.Coverage);
        Assert.All(nobody.CutoutPremultiplied.Pixels.ToArray()[..1000], p => Assert.Equal(default, p));
    }

    [SkippableFact]
    public void Alpha_is_clamped_and_the_cutout_keeps_colour_where_opaque()
    {
        var photo = TestModels.Photo("portraits/skimage/astronaut.png");
        var alpha = Box(512, 512, new Rect(0, 0, 512, 512), 1.3f);
        alpha[0, 0] = -0.2f;
        var r = MattingResult.Create(photo, alpha, "test");
        Assert.Equal(1f, r.Alpha[5, 5]);
        Assert.Equal(0f, r.Alpha[0, 0]);
        Assert.Equal(photo[5, 5], r.CutoutPremultiplied[5, 5]);
        Assert.Equal(default, r.CutoutPremultiplied[0, 0]);
    }

    [Fact]
    public void Size_mismatch_says_to_upsample()
    {
        var e = Assert.Throws<ArgumentException>(() => MattingResult.Create(new RgbaImage(20, 10), new FloatPlane(10, 5), "test"));
        Assert.Contains("upsample", e.Message);
    }

    [Fact]
    public void Person_gate_drops_regions_without_a_person_and_keeps_the_rest_whole()
    {
        var matte = Box(100, 100, new Rect(10, 10, 30, 80));           // the person ...
        var held = Box(100, 100, new Rect(40, 40, 20, 10));            // ... holding something that touches them
        var desk = Box(100, 100, new Rect(70, 60, 25, 30), 0.9f);      // a separate object
        for (int i = 0; i < matte.Data.Length; i++) matte.Data[i] = Math.Max(matte.Data[i], Math.Max(held.Data[i], desk.Data[i]));
        var person = Box(50, 50, new Rect(5, 5, 15, 40));              // the person segmentation, at half resolution

        int dropped = PersonGate.DropRegionsWithoutPeople(matte, person);

        Assert.Equal(1, dropped);
        Assert.Equal(0f, matte[80, 70]);
        Assert.Equal(1f, matte[20, 50]);
        Assert.Equal(1f, matte[55, 45]);
    }

    [Fact]
    public void Factory_knows_modes_and_models_and_lists_them_when_asked_for_another()
    {
        var sessions = new NoSessions();
        Assert.IsType<IsNetMatting>(MattingModels.Create(sessions, "quality"));
        Assert.Equal(IsNetMatting.QuantizedModel, MattingModels.Create(sessions, "isnet-int8").ModelName);
        Assert.IsType<SelfieSegmentationMatting>(MattingModels.Create(sessions, "Fast"));
        var e = Assert.Throws<ArgumentException>(() => MattingModels.Create(sessions, "modnet"));
        Assert.Contains("quality", e.Message);
        Assert.Contains("selfie-segmentation", e.Message);
    }

    sealed class NoSessions : Likeness.Inference.IModelSessions
    {
        public ValueTask<Likeness.Inference.InferenceSession> GetAsync(string modelName, CancellationToken ct = default) => throw new NotSupportedException();
        public string Sha256Of(string modelName) => throw new NotSupportedException();
    }
}
