using Likeness.Imaging;
using Likeness.Tests.Support;
using Likeness.Vision;
using Likeness.Vision.Faces.Detection;
using Likeness.Vision.Parsing;
using Xunit.Abstractions;

namespace Likeness.Tests.Vision;

public class ParsingTests(ITestOutputHelper output)
{
    static SkinClothesHairParser Parser(SkinClothesHairOptions? options = null) => new(TestModels.Require(SkinClothesHairParser.Model), options);
    static YuNetDetector Detector() => new(TestModels.Require(YuNetDetector.Model));

    // Short-haired or tied-back subjects in tops that contrast with the background.
    static readonly string[] Portraits =
    [
        "portraits/skimage/astronaut.png",
        "identity/mark_zuckerberg/img13.jpg",
        "identity/jack_dorsey/img17.jpg",
        "identity/matt_damon/img30.jpg",
        "identity/jeff_bezos/img20.jpg",
        "portraits/3ddfa_v2/JianzhuGuo.jpg",
        "portraits/tf_pose/hand1.jpg",
    ];

    /// <summary>Share of a mask's mass in rows above <paramref name="row"/>, within the columns of <paramref name="columns"/> and above <paramref name="bottom"/>.</summary>
    static float ShareAbove(FloatPlane mask, float row, BoxF columns, float bottom)
    {
        int x0 = Math.Max(0, (int)columns.X), x1 = Math.Min(mask.Width, (int)columns.Right);
        double above = 0, total = 0;
        for (int y = 0; y < Math.Min(mask.Height, bottom); y++)
        {
            var r = mask.Row(y);
            double sum = 0;
            for (int x = x0; x < x1; x++) sum += r[x];
            total += sum;
            if (y < row) above += sum;
        }
        return total > 0 ? (float)(above / total) : float.NaN;
    }

    static float MeanIn(FloatPlane mask, BoxF box)
    {
        var rect = box.ToRect(mask.Width, mask.Height);
        double sum = 0;
        for (int y = rect.Y; y < rect.Bottom; y++)
            for (int x = rect.X; x < rect.Right; x++) sum += mask[x, y];
        return (float)(sum / Math.Max(1, rect.Width * rect.Height));
    }

    [SkippableFact]
    public async Task Skin_covers_the_face_hair_sits_above_it_and_clothes_below_the_chin()
    {
        var parser = Parser();
        var detector = Detector();
        var hairShares = new List<float>();
        foreach (var name in Portraits)
        {
            var image = TestModels.Photo(name);
            var face = (await detector.DetectAsync(image))[0].Box;
            var masks = await parser.ParseAsync(image);
            Assert.Equal((image.Width, image.Height), (masks.Width, masks.Height));

            float skinAtCentre = MeanIn(masks.Skin, face.ScaledAboutCenter(0.3f));
            // Hair is measured around the head (two face widths wide, down to one face height under the chin),
            // clothes in a band three face widths wide from the top of the photo to the bottom.
            var head = BoxF.FromEdges(face.CenterX - face.Width, 0, face.CenterX + face.Width, face.Bottom + face.Height);
            float hairAbove = ShareAbove(masks.Hair, face.CenterY, head, head.Bottom);
            var band = new BoxF(face.CenterX - 1.5f * face.Width, 0, 3 * face.Width, image.Height);
            float clothesBelow = 1 - ShareAbove(masks.Clothes, face.Bottom, band, image.Height);
            float clothesOnFace = MeanIn(masks.Clothes, face.ScaledAboutCenter(0.5f));
            output.WriteLine($"{name}: skin at face centre {skinAtCentre:0.00}, hair above face centre {hairAbove:0.00}, clothes below chin {clothesBelow:0.00}, clothes on face {clothesOnFace:0.00}");

            Assert.True(skinAtCentre > 0.7f, $"{name}: skin {skinAtCentre}");
            // Astronaut: the suit's neck ring reads as hair (0.54); jack_dorsey: his beard is hair (0.68).
            Assert.True(hairAbove > 0.5f, $"{name}: hair above {hairAbove}");
            hairShares.Add(hairAbove);
            Assert.True(clothesBelow > 0.8f, $"{name}: clothes below {clothesBelow}");
            Assert.True(clothesOnFace < 0.1f, $"{name}: clothes on face {clothesOnFace}");
        }
        hairShares.Sort();
        Assert.True(hairShares[hairShares.Count / 2] > 0.85f, $"median hair share above the face centre {hairShares[hairShares.Count / 2]}");
    }

    [SkippableFact]
    public async Task A_photo_without_people_has_almost_no_skin_or_hair()
    {
        var masks = await Parser().ParseAsync(TestModels.Photo("backgrounds/opencv/building.jpg"));
        float skin = masks.Skin.Data.Average(), hair = masks.Hair.Data.Average();
        output.WriteLine($"building.jpg: skin {skin:0.000}, hair {hair:0.000}, clothes {masks.Clothes.Data.Average():0.000}");
        Assert.True(skin < 0.03f && hair < 0.03f);
    }

    [SkippableFact]
    public async Task Guided_upsampling_keeps_the_masks_in_range_and_close_to_bilinear()
    {
        var image = TestModels.Photo("identity/mark_zuckerberg/img13.jpg");
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var plain = await Parser().ParseAsync(image);
        var plainTime = System.Diagnostics.Stopwatch.GetElapsedTime(start);
        start = System.Diagnostics.Stopwatch.GetTimestamp();
        var guided = await Parser(new SkinClothesHairOptions { GuidedUpsampling = true }).ParseAsync(image);
        output.WriteLine($"{image.Width}x{image.Height}: bilinear {plainTime.TotalMilliseconds:0} ms, guided {System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds:0} ms (incl. model)");

        Assert.All(new[] { guided.Skin, guided.Clothes, guided.Hair }, m => Assert.InRange(m.Data.Min(), 0f, 1f));
        Assert.All(new[] { guided.Skin, guided.Clothes, guided.Hair }, m => Assert.InRange(m.Data.Max(), 0f, 1f));
        double diff = 0;
        for (int i = 0; i < plain.Skin.Data.Length; i++) diff += Math.Abs(plain.Skin.Data[i] - guided.Skin.Data[i]);
        diff /= plain.Skin.Data.Length;
        output.WriteLine($"mean |bilinear - guided| skin: {diff:0.000}");
        Assert.True(diff < 0.05);
    }
}
