using Likeness.Imaging.Codecs;
using Likeness.Pipelines;
using Likeness.Tests.Pipelines;
using Likeness.Tests.Support;
using Likeness.Vision.Framing;
using Likeness.Vision.Matting;
using Xunit.Abstractions;

namespace Likeness.Tests.Framing;

public class FramingSurveyTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Survey()
    {
        Skip.If(Environment.GetEnvironmentVariable("LIKENESS_SURVEY") is null, "survey only");
        var engine = Engine.Require("isnet", "selfie-segmentation");
        var root = TestPaths.TestData!;
        foreach (var file in Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories).Where(f => f.Contains("/identity/") || f.Contains("/portraits/") || f.Contains("/fullbody/")).Where(f => f.EndsWith(".jpg") || f.EndsWith(".png") || f.EndsWith(".jpeg")).Order())
        {
            var image = ImageCodec.Load(file);
            var face = await engine.DominantFaceAsync(image);
            if (face is null) { output.WriteLine($"{file[root.Length..]} no face"); continue; }
            var pre = FramingClassifier.Classify(image.Width, image.Height, face.Box);
            var isnet = await engine.Matting("quality").MatteAsync(image);
            var fast = await engine.Matting("fast").MatteAsync(image);
            var post = FramingClassifier.Classify(face.Box, isnet);
            output.WriteLine($"{file[root.Length..]} {image.Width}x{image.Height} face {face.Box} pre {pre.Name} post {post.Name} below {post.BodyBelowChin} isnet[{MatteOpacity.Measure(isnet.Alpha, face)}] fast[{MatteOpacity.Measure(fast.Alpha, face)}]");
            foreach (int size in new[] { 150, 250 })
            {
                var crop = CloseCrops.FaceFilled(image, face, size);
                var cf = await engine.DominantFaceAsync(crop);
                if (cf is null) { output.WriteLine($"   crop{size}: no face"); continue; }
                var cm = await engine.Matting("quality").MatteAsync(crop);
                var cfast = await engine.Matting("fast").MatteAsync(crop);
                output.WriteLine($"   crop{size}: face {cf.Box} {FramingClassifier.Classify(crop.Width, crop.Height, cf.Box).Name} isnet[{MatteOpacity.Measure(cm.Alpha, cf)}] bounds {cm.PersonBounds} fast[{MatteOpacity.Measure(cfast.Alpha, cf)}]");
            }
        }
    }
}
