using System.Numerics;
using Likeness.Imaging;
using Likeness.Pipelines;
using Likeness.Pipelines.Swap;
using Likeness.Vision.Faces.Landmarks;
using Likeness.Vision.Parsing;
using Xunit.Abstractions;

namespace Likeness.Tests.Pipelines;

/// <summary>
/// The occlusion classifier on a labelled set: real occluded portraits from ../shared (surgical masks, microphones,
/// glasses), clean photos, and edits of clean photos (an opaque bar pasted over nose and mouth; tinted glasses drawn
/// over the eyes). Prints every verdict, the confusion matrix and the accuracy docs/swap.md states.
/// </summary>
public sealed class OcclusionClassifierTests(ITestOutputHelper output)
{
    static readonly (string File, Occlusion Label)[] Real =
    [
        ("portraits/face_mask_detection/with_mask003.jpg", Occlusion.Opaque),
        ("portraits/face_mask_detection/with_mask021.jpg", Occlusion.Opaque),
        ("portraits/face_mask_detection/with_mask045.jpg", Occlusion.Opaque),
        ("portraits/face_mask_detection/with_mask049.jpg", Occlusion.Opaque),
        ("portraits/face_recognition/lin-manuel-miranda.png", Occlusion.Opaque),
        // Labelled opaque until 2026-12-06 as "microphone" photos; looked at, the microphone is at chest level (img58)
        // or beside the body (img59) and nothing covers either face. docs/swap.md gives the accuracy under both labels.
        ("identity/mark_zuckerberg/img58.jpg", Occlusion.None),
        ("identity/jack_dorsey/img59.jpg", Occlusion.None),
        ("identity/sundar_pichai/img24.jpg", Occlusion.Transparent),
        ("identity/sundar_pichai/img25.jpg", Occlusion.Transparent),
        ("portraits/3ddfa_v2/JianzhuGuo.jpg", Occlusion.Transparent),
    ];

    static readonly string[] Clean =
    [
        "identity/angelina_jolie/img1.jpg", "identity/angelina_jolie/img2.jpg", "identity/angelina_jolie/img6.jpg", "identity/jennifer_aniston/img3.jpg",
        "identity/jennifer_aniston/img54.jpg", "identity/jennifer_aniston/img56.jpg", "identity/scarlett_johansson/img8.jpg", "identity/scarlett_johansson/img47.jpg",
        "identity/mark_zuckerberg/img13.jpg", "identity/mark_zuckerberg/img15.jpg", "identity/jack_dorsey/img16.jpg", "identity/jack_dorsey/img61.jpg",
        "identity/elon_musk/img18.jpg", "identity/elon_musk/img67.jpg", "identity/jeff_bezos/img20.jpg", "identity/jeff_bezos/img21.jpg",
        "identity/marissa_mayer/img22.jpg", "identity/katy_perry/img26.jpg", "identity/katy_perry/img42.jpg", "identity/george_clooney/img38.jpg",
    ];

    [SkippableFact]
    public async Task Labelled_set_confusion_matrix_and_accuracy()
    {
        var engine = Engine.Require("skin-clothes-hair");
        var parser = new SkinClothesHairParser(engine.Sessions);
        var items = new List<(string Name, Occlusion Label, RgbaImage Image)>();
        foreach (var (file, label) in Real) items.Add((file, label, Engine.Shared(file).Decode()));
        foreach (var file in Clean) items.Add((file, Occlusion.None, Engine.Shared(file).Decode()));
        foreach (var file in Clean.Where((_, i) => i % 2 == 0))
        {
            var photo = Engine.Shared(file).Decode();
            var face = (await engine.Detector.DetectAsync(photo))[0];
            var mesh = await engine.Landmarker.DetectAsync(photo, face);
            items.Add((file + " +bar", Occlusion.Opaque, PasteBar(photo, mesh)));
            items.Add((file + " +tinted glasses", Occlusion.Transparent, TintedGlasses(photo, mesh)));
        }

        var confusion = new int[3, 3];
        var missedMasksOrBars = new List<string>();
        foreach (var (name, label, image) in items)
        {
            var face = (await engine.Detector.DetectAsync(image))[0];
            var verdict = await OcclusionClassifier.ClassifyAsync(engine, parser, image, face);
            confusion[(int)label, (int)verdict.Kind]++;
            if ((name.Contains("with_mask") || name.EndsWith("+bar")) && verdict.Kind != Occlusion.Opaque) missedMasksOrBars.Add(name);
            output.WriteLine($"{(label == verdict.Kind ? "  " : "X ")}{label,-11} -> {verdict.Kind,-11} clothes {verdict.OccluderShare:0.000} unexplained {verdict.Unexplained:0.000} hair {verdict.HairShare:0.000} bridge {verdict.GlassesBridge:0.000} dark {verdict.EyeDarkness:0.00}  {name}");
        }
        var correct = Enumerable.Range(0, 3).Sum(i => confusion[i, i]);
        var accuracy = (double)correct / items.Count;
        output.WriteLine($"accuracy {correct}/{items.Count} = {accuracy:P1}");
        output.WriteLine("label \\ predicted: none, opaque, transparent");
        foreach (var label in Enum.GetValues<Occlusion>())
            output.WriteLine($"{label,-11} {confusion[(int)label, 0],4} {confusion[(int)label, 1],6} {confusion[(int)label, 2],11}");
        // Measured 49/50 = 98 %: the one miss is the microphone at Lin-Manuel Miranda's chin (neither hair nor clothes
        // to the parser). Clear glasses are caught by their bridge.
        Assert.True(accuracy >= 0.95, $"accuracy {accuracy:P1}");
        Assert.True(confusion[(int)Occlusion.None, (int)Occlusion.None] == Clean.Length + 2, "a clean face was routed to the occlusion path");
        Assert.True(confusion[(int)Occlusion.Transparent, (int)Occlusion.Transparent] == 13, "glasses, clear or tinted, read as something else");
        Assert.True(missedMasksOrBars.Count == 0, $"face masks or pasted bars read as not opaque: {string.Join(", ", missedMasksOrBars)}");
    }

    /// <summary>A flat grey bar over nose tip to chin, mouth-corners wide plus a margin: a pasted occluder.</summary>
    internal static RgbaImage PasteBar(RgbaImage photo, FaceLandmarks mesh, Rgba32? colour = null)
    {
        var image = photo.Clone();
        var bar = BarRect(mesh).Intersect(new Rect(0, 0, image.Width, image.Height));
        for (var y = bar.Y; y < bar.Bottom; y++)
            for (var x = bar.X; x < bar.Right; x++)
                image[x, y] = colour ?? new Rgba32(90, 95, 105);
        return image;
    }

    internal static Rect BarRect(FaceLandmarks mesh)
    {
        var width = Vector2.Distance(mesh.LeftMouthCorner, mesh.RightMouthCorner) * 1.8f;
        var centre = (mesh.LeftMouthCorner + mesh.RightMouthCorner) / 2;
        return Rect.FromEdges((int)(centre.X - width / 2), (int)mesh.NoseTip.Y, (int)(centre.X + width / 2), (int)(mesh.Chin.Y - (mesh.Chin.Y - centre.Y) * 0.2f));
    }

    /// <summary>Dark lenses (35 % transmission) with a black frame over both eyes: tinted glasses.</summary>
    static RgbaImage TintedGlasses(RgbaImage photo, FaceLandmarks mesh)
    {
        var image = photo.Clone();
        var eyeDistance = Vector2.Distance(mesh.LeftEyeCenter, mesh.RightEyeCenter);
        foreach (var centre in new[] { mesh.LeftEyeCenter, mesh.RightEyeCenter })
        {
            var (rx, ry) = (eyeDistance * 0.42f, eyeDistance * 0.3f);
            for (var y = (int)(centre.Y - ry - 3); y <= centre.Y + ry + 3; y++)
                for (var x = (int)(centre.X - rx - 3); x <= centre.X + rx + 3; x++)
                {
                    if (x < 0 || y < 0 || x >= image.Width || y >= image.Height) continue;
                    var d = MathF.Sqrt(MathF.Pow((x - centre.X) / rx, 2) + MathF.Pow((y - centre.Y) / ry, 2));
                    var p = image[x, y];
                    if (d <= 1) image[x, y] = new Rgba32((byte)(p.R * 0.35f), (byte)(p.G * 0.35f), (byte)(p.B * 0.38f));
                    else if (d <= 1 + 4f / ry) image[x, y] = new Rgba32(15, 15, 15);
                }
        }
        return image;
    }
}
