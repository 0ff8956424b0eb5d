using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Filters;
using Likeness.Imaging.Transforms;
using Likeness.Pipelines;
using Likeness.Pipelines.Swap;
using Likeness.Vision.Faces.Landmarks;
using Likeness.Vision.Parsing;
using Xunit.Abstractions;

namespace Likeness.Tests.Pipelines;

/// <summary>The local face swap on real photos: identity moves to the source, masks do what they say, nothing outside the face changes.</summary>
public sealed class SwapTests(ITestOutputHelper output)
{
    const string Angelina = "identity/angelina_jolie/img1.jpg";
    const string Jennifer = "identity/jennifer_aniston/img54.jpg";
    const string Masked = "portraits/face_mask_detection/with_mask003.jpg";

    static VisionEngine Require() => Engine.Require("skin-clothes-hair");

    static async Task<SwapSource> SourceAsync(VisionEngine engine, string file) =>
        await SwapSource.FromPhotosAsync(engine, [(file, Engine.Shared(file).Decode())], new SkinClothesHairParser(engine.Sessions));

    [SkippableFact]
    public async Task Swapped_face_reads_as_the_source_and_nothing_outside_the_face_changes()
    {
        var engine = Require();
        var target = Engine.Shared(Jennifer).Decode();
        var result = await new FaceSwapper(engine, new SkinClothesHairParser(engine.Sessions)).SwapAsync(await SourceAsync(engine, Angelina), target, new SwapOptions());
        var face = Assert.Single(result.Faces);
        output.WriteLine($"to source {face.SimilarityToSource:0.000}, to target {face.SimilarityToTarget:0.000}, mask {face.MaskCoverage:P0}");
        Assert.True(face.TakesSourceIdentity, $"similarity to source {face.SimilarityToSource:0.00}, to the original {face.SimilarityToTarget:0.00}");
        Assert.InRange(face.MaskCoverage, 0.5f, 1f);

        // Outside the face box grown by half its size, every pixel is the target's.
        var box = face.Box;
        var keep = Rect.FromEdges((int)(box.X - box.Width / 2), (int)(box.Y - box.Height / 2), (int)(box.Right + box.Width / 2), (int)(box.Bottom + box.Height / 2));
        for (var y = 0; y < target.Height; y += 3)
            for (var x = 0; x < target.Width; x += 3)
                if (!keep.Contains(x, y)) Assert.Equal(target[x, y], result.Image[x, y]);
        // Inside the face it changed.
        var changed = 0;
        for (var y = (int)box.Y; y < box.Bottom; y += 4)
            for (var x = (int)box.X; x < box.Right; x += 4)
                if (Math.Abs(target[x, y].R - result.Image[x, y].R) > 12) changed++;
        Assert.True(changed > 300, $"only {changed} sampled face pixels changed");
    }

    [SkippableFact]
    public async Task The_bundled_samples_swap_the_astronaut_onto_grace_hopper_as_the_readme_shows()
    {
        var engine = Require();
        var parser = new SkinClothesHairParser(engine.Sessions);
        var source = await SwapSource.FromPhotosAsync(engine, [("astronaut.png", Engine.Sample("astronaut.png").Decode())], parser);
        var target = Engine.Sample("grace_hopper.jpg").Decode();
        var result = await new FaceSwapper(engine, parser).SwapAsync(source, target, new SwapOptions());
        var face = Assert.Single(result.Faces);
        output.WriteLine($"to source {face.SimilarityToSource:0.000}, to target {face.SimilarityToTarget:0.000}, mask {face.MaskCoverage:P0}");
        Assert.True(face.TakesSourceIdentity, $"similarity to source {face.SimilarityToSource:0.00}, to the original {face.SimilarityToTarget:0.00}");
        Assert.True(face.SimilarityToTarget < 0.4f, $"the result still reads as Grace Hopper ({face.SimilarityToTarget:0.00})");
        Assert.Equal((target.Width, target.Height), (result.Image.Width, result.Image.Height));
    }

    [SkippableFact]
    public async Task Occlusion_mask_keeps_a_surgical_mask_over_the_face_the_box_mask_paints_over_it()
    {
        var engine = Require();
        var parser = new SkinClothesHairParser(engine.Sessions);
        var target = Engine.Shared(Masked).Decode();
        var source = await SourceAsync(engine, Angelina);
        var swapper = new FaceSwapper(engine, parser);
        var occluded = await swapper.SwapAsync(source, target, new SwapOptions { KeepMasks = true });
        var boxOnly = await swapper.SwapAsync(source, target, new SwapOptions { Masks = [SwapMaskKind.Box] });

        var mesh = await engine.Landmarker.DetectAsync(target, (await engine.Detector.DetectAsync(target))[0]);
        var whole = new Rect(0, 0, target.Width, target.Height);
        var lower = MeshAreas.Mask(mesh, [FaceArea.Mouth], whole).Dilate(6);   // the mouth is under the surgical mask
        var eyes = MeshAreas.Mask(mesh, [FaceArea.Eyes], whole);
        var occlusion = occluded.Masks["face0-occlusion"];
        var onMask = Mean(occlusion, lower);
        var onEyes = Mean(occlusion, eyes);
        output.WriteLine($"occlusion mask: {onMask:0.00} over the mouth (under the surgical mask), {onEyes:0.00} over the eyes");
        Assert.True(onMask < 0.2, $"the occlusion mask keeps {onMask:0.00} of the area under the surgical mask");
        Assert.True(onEyes > 0.9, $"the occlusion mask drops the eyes ({onEyes:0.00})");

        // Pixels under the surgical mask: unchanged with the occlusion mask, painted over with the box mask only.
        Assert.True(MeanDifference(target, occluded.Image, lower) < 3, $"with occlusion, the surgical mask changed by {MeanDifference(target, occluded.Image, lower):0.0}");
        Assert.True(MeanDifference(target, boxOnly.Image, lower) > 15, $"box only barely changed the mouth area ({MeanDifference(target, boxOnly.Image, lower):0.0})");
    }

    [SkippableFact]
    public async Task Area_mask_swaps_only_the_named_areas()
    {
        var engine = Require();
        var target = Engine.Shared(Jennifer).Decode();
        var result = await new FaceSwapper(engine).SwapAsync(await SourceAsync(engine, Angelina), target,
            new SwapOptions { Masks = [SwapMaskKind.Area], Areas = [FaceArea.Eyes], KeepMasks = true });
        var mesh = await engine.Landmarker.DetectAsync(target, (await engine.Detector.DetectAsync(target))[0]);
        var whole = new Rect(0, 0, target.Width, target.Height);
        var eyes = MeshAreas.Mask(mesh, [FaceArea.Eyes], whole).Erode(8);
        var mouth = MeshAreas.Mask(mesh, [FaceArea.Mouth], whole);
        Assert.True(MeanDifference(target, result.Image, eyes) > 10, "the eyes did not change");
        Assert.True(MeanDifference(target, result.Image, mouth) < 2, "the mouth changed although only the eyes were asked for");
    }

    [SkippableFact]
    public void Mesh_areas_sit_where_their_names_say_and_the_face_halves_do_not_overlap()
    {
        var engine = Engine.Require();
        var photo = Engine.Shared(Jennifer).Decode();
        var mesh = engine.Landmarker.DetectAsync(photo, engine.Detector.DetectAsync(photo).GetAwaiter().GetResult()[0]).GetAwaiter().GetResult();
        var whole = new Rect(0, 0, photo.Width, photo.Height);
        float At(FaceArea area, Vector2 p) => MeshAreas.Mask(mesh, [area], whole)[(int)p.X, (int)p.Y];
        Assert.Equal(1f, At(FaceArea.Eyes, mesh.LeftEyeCenter));
        Assert.Equal(1f, At(FaceArea.Eyes, mesh.RightEyeCenter));
        Assert.Equal(0f, At(FaceArea.Mouth, mesh.LeftEyeCenter));
        Assert.Equal(1f, At(FaceArea.Mouth, (mesh.LeftMouthCorner + mesh.RightMouthCorner) / 2 + new Vector2(0, 3)));
        Assert.Equal(1f, At(FaceArea.Nose, mesh.NoseTip));
        Assert.Equal(1f, At(FaceArea.UpperFace, mesh.LeftEyeCenter));
        Assert.Equal(1f, At(FaceArea.LowerFace, mesh.Chin + (mesh.NoseTip - mesh.Chin) * 0.2f));
        var upper = MeshAreas.Mask(mesh, [FaceArea.UpperFace], whole).Data;
        var lower = MeshAreas.Mask(mesh, [FaceArea.LowerFace], whole).Data;
        Assert.Equal(0, upper.Zip(lower).Count(p => p.First > 0 && p.Second > 0));
        Assert.Throws<ArgumentException>(() => MeshAreas.Parse("ears"));
    }

    [SkippableFact]
    public async Task Both_faces_of_a_couple_are_swapped_with_all_and_a_missing_face_index_is_refused()
    {
        var engine = Require();
        var couple = Engine.Shared("portraits/deepface/couple.jpg").Decode();
        var source = await SourceAsync(engine, Angelina);
        var swapper = new FaceSwapper(engine, new SkinClothesHairParser(engine.Sessions));
        var all = await swapper.SwapAsync(source, couple, new SwapOptions { AllFaces = true });
        Assert.Equal(2, all.FacesInTarget);
        Assert.Equal([0, 1], all.Faces.Select(f => f.Index));
        var e = await Assert.ThrowsAsync<ArgumentException>(() => swapper.SwapAsync(source, couple, new SwapOptions { FaceIndices = [5] }));
        Assert.Contains("has 2 face(s)", e.Message);
        var empty = await Assert.ThrowsAsync<ArgumentException>(() => swapper.SwapAsync(source, Engine.Shared("backgrounds/opencv/building.jpg").Decode(), new SwapOptions()));
        Assert.Contains("No face found", empty.Message);
    }

    [SkippableFact]
    public async Task Faces_cut_by_the_frame_edge_are_left_alone_with_the_reason()
    {
        var engine = Require();
        var group = Engine.Shared("portraits/deepface/selfie-many-people.jpg").Decode();   // the largest face runs off the right edge
        var source = await SourceAsync(engine, Angelina);
        var swapper = new FaceSwapper(engine, new SkinClothesHairParser(engine.Sessions));
        var result = await swapper.SwapAsync(source, group, new SwapOptions());
        Assert.NotEqual(0, Assert.Single(result.Faces).Index);       // the default takes the largest *whole* face
        Assert.Contains(result.Skipped, s => s.StartsWith("face 0 is cut by the frame edge"));
        var e = await Assert.ThrowsAsync<ArgumentException>(() => swapper.SwapAsync(source, group, new SwapOptions { FaceIndices = [0] }));
        Assert.Contains("cut by the frame edge", e.Message);
    }

    [SkippableFact]
    public async Task Mirrored_source_and_target_give_the_mirrored_result()
    {
        var engine = Require();
        var parser = new SkinClothesHairParser(engine.Sessions);
        var target = Engine.Shared(Jennifer).Decode().Resize(1000, 1200);
        var photo = Engine.Shared(Angelina).Decode();
        var source = await SwapSource.FromPhotosAsync(engine, [("a", photo)], parser);
        var flippedSource = await SwapSource.FromPhotosAsync(engine, [("a-mirrored", photo.FlipHorizontal())], parser);
        var swapper = new FaceSwapper(engine, parser);
        var straight = await swapper.SwapAsync(source, target, new SwapOptions());
        var mirrored = await swapper.SwapAsync(flippedSource, target.FlipHorizontal(), new SwapOptions());
        var unmirroredSource = await swapper.SwapAsync(source, target.FlipHorizontal(), new SwapOptions());
        var box = straight.Faces[0].Box;
        var face = new FloatPlane(target.Width, target.Height);
        for (var y = (int)box.Y; y < box.Bottom; y++) for (var x = (int)box.X; x < box.Right; x++) face[x, y] = 1;
        var difference = MeanDifference(straight.Image, mirrored.Image.FlipHorizontal(), face);
        // The contrast: the same source texture on the mirrored target is a left/right mix-up, visibly different.
        var mixUp = MeanDifference(straight.Image, unmirroredSource.Image.FlipHorizontal(), face);
        output.WriteLine($"mean difference over the face: mirrored-back {difference:0.0}, left/right mix-up {mixUp:0.0}; similarity {straight.Faces[0].SimilarityToSource:0.000} vs {mirrored.Faces[0].SimilarityToSource:0.000}");
        // Not zero: the mesh model is not exactly mirror-symmetric (measured 8.1 per channel, the mix-up 21.9).
        Assert.True(difference < 12, $"the mirrored swap differs by {difference:0.0} per channel over the face");
        Assert.True(mixUp > difference * 1.8, $"a left/right mix-up ({mixUp:0.0}) is not clearly worse than the mirrored swap ({difference:0.0})");
        Assert.True(mirrored.Faces[0].TakesSourceIdentity && straight.Faces[0].TakesSourceIdentity);
    }

    /// <summary>
    /// The figure docs/swap.md states: source A (file_a of a labelled "different" pair) swapped into a photo of B
    /// (file_b); the share whose result is above the same-person threshold for A and closer to A than to the original B.
    /// CI runs every 8th pair; LIKENESS_SWAP_PAIRS=all runs all 406.
    /// </summary>
    [SkippableFact]
    public async Task Swap_identity_figure_on_the_labelled_pairs()
    {
        var engine = Require();
        var parser = new SkinClothesHairParser(engine.Sessions);
        var swapper = new FaceSwapper(engine, parser);
        var pairs = File.ReadLines(Support.TestPaths.TestDataFile("identity/PAIRS.tsv")).Skip(1).Select(l => l.Split('\t'))
            .Where(f => f[2] == "different").Select(f => (A: f[0], B: f[1])).ToList();
        var every = Environment.GetEnvironmentVariable("LIKENESS_SWAP_PAIRS") == "all" ? 1 : 8;
        var sample = pairs.Where((_, i) => i % every == 0).ToList();
        var sources = new Dictionary<string, SwapSource?>();
        int taken = 0, ran = 0;
        var refused = new List<string>();
        var toSource = new List<float>();
        foreach (var (a, b) in sample)
        {
            if (!sources.TryGetValue(a, out var source))
            {
                try { source = await SwapSource.FromPhotosAsync(engine, [(a, Engine.Shared(a).Decode())], parser); }
                catch (ArgumentException) { source = null; }
                sources[a] = source;
            }
            if (source is null) { refused.Add($"{a}: no usable source face"); continue; }
            SwapResult result;
            try { result = await swapper.SwapAsync(source, Engine.Shared(b).Decode(), new SwapOptions()); }
            catch (ArgumentException e) { refused.Add($"{b}: {e.Message}"); continue; }
            ran++;
            var face = result.Faces[0];
            toSource.Add(face.SimilarityToSource);
            if (face.TakesSourceIdentity) taken++;
        }
        var share = ran == 0 ? 0 : (double)taken / ran;
        toSource.Sort();
        output.WriteLine($"{sample.Count} pairs (every {every}th of {pairs.Count}); swapped {ran}, refused {refused.Count}; " +
            $"result reads as A (>= threshold and closer to A than to B): {taken}/{ran} = {share:P1}; similarity to A median {toSource[toSource.Count / 2]:0.000}, p10 {toSource[toSource.Count / 10]:0.000}");
        foreach (var r in refused) output.WriteLine("refused: " + r);
        Assert.True(ran >= sample.Count * 0.8, $"only {ran} of {sample.Count} swaps ran");
        Assert.True(share >= 0.6, $"only {share:P0} of the swaps read as the source");
    }

    static float Mean(FloatPlane values, FloatPlane where)
    {
        double sum = 0, weight = 0;
        for (var i = 0; i < values.Data.Length; i++) { sum += values.Data[i] * where.Data[i]; weight += where.Data[i]; }
        return weight == 0 ? 0 : (float)(sum / weight);
    }

    static double MeanDifference(RgbaImage a, RgbaImage b, FloatPlane where)
    {
        double sum = 0, weight = 0;
        var (pa, pb) = (a.Data, b.Data);
        for (var i = 0; i < where.Data.Length; i++)
        {
            if (where.Data[i] <= 0) continue;
            sum += (Math.Abs(pa[4 * i] - pb[4 * i]) + Math.Abs(pa[4 * i + 1] - pb[4 * i + 1]) + Math.Abs(pa[4 * i + 2] - pb[4 * i + 2])) / 3.0 * where.Data[i];
            weight += where.Data[i];
        }
        return weight == 0 ? 0 : sum / weight;
    }
}
