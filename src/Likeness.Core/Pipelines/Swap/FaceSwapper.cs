using System.Diagnostics;
using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Blending;
using Likeness.Imaging.Color;
using Likeness.Imaging.Filters;
using Likeness.Imaging.Transforms;
using Likeness.Vision;
using Likeness.Vision.Faces;
using Likeness.Vision.Faces.Landmarks;
using Likeness.Vision.Parsing;

namespace Likeness.Pipelines.Swap;

public sealed record SwapFaceReport(
    int Index, BoxF Box, float SimilarityToSource, float SimilarityToTarget, float Threshold, float MaskCoverage,
    IReadOnlyDictionary<string, double> TimingsMs)
{
    /// <summary>The swapped face reads as the source person: above the same-person threshold and closer to the source than to who was there.</summary>
    public bool TakesSourceIdentity => SimilarityToSource >= Threshold && SimilarityToSource > SimilarityToTarget;
}

/// <param name="Skipped">Faces left as they were, each with the reason (e.g. cut by the frame edge).</param>
public sealed record SwapResult(RgbaImage Image, IReadOnlyList<SwapFaceReport> Faces, int FacesInTarget, IReadOnlyDictionary<string, FloatPlane> Masks, IReadOnlyList<string> Skipped);

/// <summary>
/// Local, geometric face swap: the source face's texture is warped onto each chosen target face through the
/// 468-point mesh (piecewise affine on the source's triangulation; the target's shape, pose and expression stay),
/// its colour moved to the target's skin in Lab, then blended by a multi-band blend inside the minimum of the chosen
/// masks (box, occlusion, area, region), as FaceFusion combines them. No learned swapper model: those are hundreds
/// of MB and not downloadable here; a provider route brings learned quality where a key is set.
/// </summary>
public sealed class FaceSwapper(VisionEngine engine, ISkinClothesHairParser? parser = null)
{
    public async Task<SwapResult> SwapAsync(SwapSource source, RgbaImage target, SwapOptions options, IProgress<double>? progress = null, CancellationToken ct = default)
    {
        var faces = await engine.Detector.DetectAsync(target, ct: ct);
        if (faces.Count == 0) throw new ArgumentException("No face found in the target image; swap needs a visible face to replace.");
        var explicitIndices = !options.AllFaces && options.FaceIndices.Count > 0;
        var chosen = options.AllFaces ? Enumerable.Range(0, faces.Count).ToList() : explicitIndices ? options.FaceIndices.ToList() : null;
        if (chosen?.FirstOrDefault(i => i < 0 || i >= faces.Count, -1) is { } bad && bad >= 0)
            throw new ArgumentException($"Face {bad} does not exist: the target has {faces.Count} face(s), numbered 0 (largest) to {faces.Count - 1}.");
        if (options.Masks.Any(m => m is SwapMaskKind.Occlusion or SwapMaskKind.Region) && parser is null)
            throw new InvalidOperationException("The occlusion and region masks need the skin/clothes/hair parser.");

        // Meshes first: a face the frame cuts through cannot be swapped (the mesh guesses the missing part and the
        // texture lands on it as a broken face), so it is skipped with the reason; by default the largest whole face is taken.
        var meshes = new Dictionary<int, FaceLandmarks>();
        async Task<FaceLandmarks> MeshAsync(int i) => meshes.TryGetValue(i, out var m) ? m : meshes[i] = await engine.Landmarker.DetectAsync(target, faces[i], ct);
        var skipped = new List<string>();
        var toSwap = new List<int>();
        foreach (var i in chosen ?? Enumerable.Range(0, faces.Count))
        {
            if (CutByFrame(await MeshAsync(i), target.Width, target.Height) is not { } cut) { toSwap.Add(i); if (chosen is null) break; continue; }
            if (explicitIndices) throw new ArgumentException($"Face {i} {cut}: it cannot be swapped without making a broken face; pick another face or a photo that shows it whole.");
            skipped.Add($"face {i} {cut}");
        }
        if (toSwap.Count == 0) throw new ArgumentException($"No whole face to swap: {string.Join("; ", skipped)}. Use a photo that shows the face whole.");

        var output = target.Clone();
        var reports = new List<SwapFaceReport>();
        var masks = new Dictionary<string, FloatPlane>();
        for (var n = 0; n < toSwap.Count; n++)
        {
            var index = toSwap[n];
            reports.Add((await SwapFaceAsync(source, output, index, faces[index], meshes[index], options, report: true, options.KeepMasks ? masks : null, ct))!);
            progress?.Report((n + 1.0) / toSwap.Count);
        }
        return new SwapResult(output, reports, faces.Count, masks, skipped);
    }

    /// <summary>
    /// Replaces one face of <paramref name="output"/> (in place) whose mesh is known (video tracking passes its own).
    /// With <paramref name="report"/>, embeds the face after the swap for the identity report, and before it too unless
    /// <paramref name="compareToTarget"/> is off (video reports only the similarity to the source: one embedding saved).
    /// </summary>
    public async Task<SwapFaceReport?> SwapFaceAsync(SwapSource source, RgbaImage output, int index, DetectedFace face, FaceLandmarks mesh,
        SwapOptions options, bool report, Dictionary<string, FloatPlane>? keepMasks, CancellationToken ct, bool compareToTarget = true)
    {
        var timings = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();
        double Lap() { var ms = clock.Elapsed.TotalMilliseconds; clock.Restart(); return ms; }
        var before = report && compareToTarget ? await engine.Identity.EmbedFaceAsync(output, face, ct) : null;
        timings["embed"] = Lap();

        var bounds = mesh.Bounds;
        var size = MathF.Max(bounds.Width, bounds.Height);
        var region = RegionAround(mesh, output.Width, output.Height);
        if (region.IsEmpty) return null;
        var targetPoints = new Vector2[mesh.Count];
        var depth = new float[mesh.Count];
        for (var i = 0; i < mesh.Count; i++) (targetPoints[i], depth[i]) = (mesh[i], mesh.Points[i].Z);
        var (warped, coverage) = PiecewiseAffineWarp.Warp(source.Image, source.Points, targetPoints, depth, source.Triangles, region,
            StretchWeights(source.Points, targetPoints, source.Triangles, LandmarkMasks.InnerFaceOval(mesh)));
        timings["warp"] = Lap();

        var background = output.Crop(region);
        var needsParser = !options.Fast || options.Masks.Any(m => m is SwapMaskKind.Occlusion or SwapMaskKind.Region);
        SkinClothesHairMasks? parsed = parser is not null && needsParser ? await parser.ParseAsync(background, ct) : null;
        timings["parse"] = Lap();
        var toRegion = AffineTransform.Translation(-region.X, -region.Y);
        var skin = LandmarkMasks.BareSkinRegion(mesh, region.Width, region.Height, toRegion);
        // Statistics from the bare skin of both faces (on the target only what the parser sees as skin: a mask or
        // a scarf must not whiten the tone); applied to the whole warped face, brows and lips included.
        if (options.Fast) RgbStatisticsTransfer(warped, Product(skin, coverage), background, skin, coverage, options.ColorMatch);
        else
        {
            var sourceSkin = ColorStatistics.Lab(warped, Product(skin, coverage));
            var targetSkin = ColorStatistics.Lab(background, parsed is null ? skin : Product(skin, parsed.Skin));
            if (!sourceSkin.IsEmpty && !targetSkin.IsEmpty) new LabStatisticsTransfer(sourceSkin, targetSkin, options.ColorMatch).Apply(warped, coverage);
        }
        timings["color"] = Lap();

        var combined = SoftInside(coverage, size * 0.04f);
        // The target's own mouth opening (teeth, tongue) stays: a closed source mouth must not be stretched over it,
        // nor an open one's teeth squeezed into closed lips.
        var mouth = new FloatPlane(region.Width, region.Height);
        LandmarkMasks.Fill(mouth, mesh.Polygon(mesh.Layout.InnerLips).Select(p => p - new Vector2(region.X, region.Y)).ToArray(), 1);
        mouth = SoftOutside(mouth, size * 0.015f);
        for (var i = 0; i < combined.Data.Length; i++) combined.Data[i] *= 1 - mouth.Data[i];
        var kept = new Dictionary<string, FloatPlane> { ["coverage"] = combined };
        foreach (var kind in options.Masks.Distinct())
        {
            if (kind is SwapMaskKind.Occlusion or SwapMaskKind.Region && parsed is null)
                throw new InvalidOperationException("The occlusion and region masks need the skin/clothes/hair parser.");
            var mask = kind switch
            {
                SwapMaskKind.Box => BoxMask(bounds, region, size, options),
                SwapMaskKind.Occlusion => OcclusionMask(parsed!, mesh, region, size),
                SwapMaskKind.Area => SoftInside(MeshAreas.Mask(mesh, options.Areas, region), size * 0.03f),
                _ => RegionMask(parsed!, options.Regions, size),
            };
            kept[kind.ToString().ToLowerInvariant()] = mask;
            if (kind != SwapMaskKind.Occlusion) combined = Minimum(combined, mask);
        }
        timings["masks"] = Lap();

        // Fast: a feathered alpha blend (FaceFusion's paste). Otherwise multi-band, and what covers the face is cut in
        // after it at its own sharp edge: the blend's wide low-frequency seam would wash skin tone over a hand or a mask.
        RgbaImage blended;
        if (options.Fast)
        {
            blended = background.Clone();
            if (kept.TryGetValue("occlusion", out var occ)) combined = Minimum(combined, occ);
            MatchLowFrequencies(warped, background, combined, size * 0.08f);
            Composite(blended, warped, combined, over: true);
        }
        else
        {
            blended = MultiBandBlend.Blend(background, warped, combined);
            if (kept.TryGetValue("occlusion", out var occlusion))
            {
                Composite(blended, background, occlusion);
                combined = Minimum(combined, occlusion);
            }
        }
        Paste(output, blended, region);
        timings["blend"] = Lap();

        if (keepMasks is not null)
        {
            kept["combined"] = combined;
            foreach (var (name, plane) in kept) keepMasks[$"face{index}-{name}"] = Expand(plane, region, output.Width, output.Height);
        }
        if (!report) return new SwapFaceReport(index, face.Box, float.NaN, float.NaN, engine.Identity.Settings.Threshold, float.NaN, timings);
        var after = await engine.Identity.EmbedFaceAsync(output, face, ct);
        timings["report"] = Lap();
        var hull = new FloatPlane(region.Width, region.Height);
        LandmarkMasks.Fill(hull, mesh.FaceOval.Select(p => p - new Vector2(region.X, region.Y)).ToArray(), 1);
        var inHull = hull.Data.Count(v => v > 0);
        var covered = hull.Data.Select((v, i) => v > 0 && combined.Data[i] >= 0.5f).Count(b => b);
        return new SwapFaceReport(index, face.Box, source.Identity.CosineSimilarity(after), before is null ? float.NaN : after.CosineSimilarity(before),
            engine.Identity.Settings.Threshold, inHull == 0 ? 0 : (float)covered / inHull, timings);
    }

    /// <summary>
    /// Per triangle, how far it may be trusted by how much more it is enlarged than the face as a whole: a triangle the
    /// source shows foreshortened (an edge of a turned head, a cheek the mesh squeezed against the ear) is smeared into
    /// streaks when spread over the target's wide cheek. Up to <see cref="MaxTrustedStretch"/> times the face's own
    /// area scale it is used fully, fading out by twice that, so the target's own colour-matched skin shows there.
    /// Only outside <paramref name="innerOval"/> (the target's inner face): inside, a faded triangle would be a hole
    /// showing the target's own nose or lips.
    /// </summary>
    internal static float[] StretchWeights(ReadOnlySpan<Vector2> source, ReadOnlySpan<Vector2> target, ReadOnlySpan<int> triangles, Vector2[] innerOval)
    {
        var ratios = new float[triangles.Length / 3];
        double sourceTotal = 0, targetTotal = 0;
        for (var t = 0; t < ratios.Length; t++)
        {
            var (sa, ta) = (Area(source, triangles, t), Area(target, triangles, t));
            (sourceTotal, targetTotal) = (sourceTotal + sa, targetTotal + ta);
            ratios[t] = ta / MathF.Max(sa, 1e-3f);
        }
        var scale = (float)(targetTotal / Math.Max(sourceTotal, 1e-3));
        for (var t = 0; t < ratios.Length; t++)
        {
            var middle = (target[triangles[3 * t]] + target[triangles[3 * t + 1]] + target[triangles[3 * t + 2]]) / 3;
            if (LandmarkMasks.Contains(innerOval, middle)) { ratios[t] = 1; continue; }
            var x = Math.Clamp((2 * MaxTrustedStretch - ratios[t] / scale) / MaxTrustedStretch, 0, 1);
            ratios[t] = x * x * (3 - 2 * x);
        }
        return ratios;

        static float Area(ReadOnlySpan<Vector2> p, ReadOnlySpan<int> tri, int t)
        {
            Vector2 a = p[tri[3 * t]], b = p[tri[3 * t + 1]], c = p[tri[3 * t + 2]];
            return MathF.Abs((b.X - a.X) * (c.Y - a.Y) - (c.X - a.X) * (b.Y - a.Y)) / 2;
        }
    }

    internal const float MaxTrustedStretch = 2f;

    /// <summary>
    /// The fast path's stand-in for the multi-band blend's low bands: inside the mask, the warped face takes the
    /// target's local shading (the two images' mask-normalised blurs differ only in low frequencies), so its edge melts
    /// into the target's skin under a plain alpha paste. Blurs run downsampled: a few milliseconds at any face size.
    /// </summary>
    static void MatchLowFrequencies(RgbaImage warped, RgbaImage background, FloatPlane mask, float sigma)
    {
        int w = warped.Width, h = warped.Height;
        var weight = mask.GaussianBlurDownsampled(sigma);
        var (wp, bp) = (warped.Pixels.ToArray(), background.Pixels.ToArray());
        var correction = new FloatPlane[3];
        Parallel.For(0, 3, c =>
        {
            var a = new FloatPlane(w, h);
            var b = new FloatPlane(w, h);
            for (var i = 0; i < a.Data.Length; i++)
            {
                var m = mask.Data[i];
                a.Data[i] = Channel(wp[i], c) * m;
                b.Data[i] = Channel(bp[i], c) * m;
            }
            var (ba, bb) = (a.GaussianBlurDownsampled(sigma), b.GaussianBlurDownsampled(sigma));
            var diff = new FloatPlane(w, h);
            // Bounded: near the mask's edge few pixels carry the estimate, and a shadow there must not bleach the cheek.
            for (var i = 0; i < diff.Data.Length; i++) diff.Data[i] = weight.Data[i] > 0.05f ? Math.Clamp((bb.Data[i] - ba.Data[i]) / weight.Data[i], -40, 40) : 0;
            correction[c] = diff;
        });
        var pixels = warped.Pixels;
        for (var i = 0; i < pixels.Length; i++)
        {
            if (!(mask.Data[i] > 0)) continue;
            var p = pixels[i];
            pixels[i] = new Rgba32(Clamp(p.R + correction[0].Data[i]), Clamp(p.G + correction[1].Data[i]), Clamp(p.B + correction[2].Data[i]), p.A);
        }
        static float Channel(Rgba32 p, int c) => c == 0 ? p.R : c == 1 ? p.G : p.B;
        static byte Clamp(float v) => (byte)Math.Clamp(MathF.Round(v), 0, 255);
    }

    /// <summary>Why the frame cuts this face (more than 8 % of its size outside the image), or null when it is whole.</summary>
    public static string? CutByFrame(FaceLandmarks mesh, int width, int height)
    {
        var b = mesh.Bounds;
        var margin = 0.08f * MathF.Max(b.Width, b.Height);
        return b.X < -margin || b.Y < -margin || b.Right > width + margin || b.Bottom > height + margin
            ? $"is cut by the frame edge (its mesh reaches {b.X:0},{b.Y:0} to {b.Right:0},{b.Bottom:0} in a {width}x{height} image)"
            : null;
    }

    /// <summary>The face's mesh bounds grown by 30 % of its size on every side, inside the image: where a swap works.</summary>
    public static Rect RegionAround(FaceLandmarks mesh, int width, int height)
    {
        var bounds = mesh.Bounds;
        var size = MathF.Max(bounds.Width, bounds.Height);
        return Rect.FromEdges((int)(bounds.X - size * 0.3f), (int)(bounds.Y - size * 0.3f), (int)(bounds.Right + size * 0.3f) + 1, (int)(bounds.Bottom + size * 0.3f) + 1)
            .Intersect(new Rect(0, 0, width, height));
    }

    /// <summary>Per-channel mean and spread matching in RGB over the weighted skin: the fast path's colour match (no Lab round trip per pixel).</summary>
    static void RgbStatisticsTransfer(RgbaImage image, FloatPlane imageWeights, RgbaImage reference, FloatPlane referenceWeights, FloatPlane where, float strength)
    {
        var a = ColorStatistics.Rgb(image, imageWeights);
        var b = ColorStatistics.Rgb(reference, referenceWeights);
        if (a.IsEmpty || b.IsEmpty) return;
        strength = Math.Clamp(strength, 0, 1);
        var gain = Vector3.Lerp(Vector3.One, new Vector3(Ratio(b.StdDev.X, a.StdDev.X), Ratio(b.StdDev.Y, a.StdDev.Y), Ratio(b.StdDev.Z, a.StdDev.Z)), strength);
        var mean = Vector3.Lerp(a.Mean, b.Mean, strength);
        var pixels = image.Pixels;
        for (var i = 0; i < pixels.Length; i++)
        {
            if (!(where.Data[i] > 0)) continue;
            var p = pixels[i];
            var v = (new Vector3(p.R, p.G, p.B) - a.Mean) * gain + mean;
            pixels[i] = new Rgba32((byte)Math.Clamp(v.X, 0, 255), (byte)Math.Clamp(v.Y, 0, 255), (byte)Math.Clamp(v.Z, 0, 255), p.A);
        }
        static float Ratio(float target, float source) => source > 1e-3f ? Math.Clamp(target / source, 0.5f, 2f) : 1f;
    }

    /// <summary>
    /// The face box (from the mesh), padded, fading to 0 at its edge over the blur width: a product of two smooth
    /// 1-D ramps, computed directly (a morphological feather this wide would cost seconds).
    /// </summary>
    static FloatPlane BoxMask(BoxF bounds, Rect region, float size, SwapOptions options)
    {
        var mask = new FloatPlane(region.Width, region.Height);
        var pad = size * options.BoxPadding;
        var blur = MathF.Max(1e-3f, size * options.BoxBlur);
        float Ramp(float v, float lo, float hi)
        {
            var t = Math.Clamp(MathF.Min(v - lo, hi - v) / blur, 0, 1);
            return t * t * (3 - 2 * t);
        }
        float left = bounds.X - pad - region.X, right = bounds.Right + pad - region.X, top = bounds.Y - pad - region.Y, bottom = bounds.Bottom + pad - region.Y;
        var columns = new float[region.Width];
        for (var x = 0; x < columns.Length; x++) columns[x] = Ramp(x, left, right);
        for (var y = 0; y < region.Height; y++)
        {
            var ry = Ramp(y, top, bottom);
            var row = mask.Row(y);
            for (var x = 0; x < row.Length; x++) row[x] = ry * columns[x];
        }
        return mask;
    }

    /// <summary>
    /// A soft edge lying inside the mask, about <paramref name="radius"/> wide: one downsampled blur remapped so its
    /// half-way contour becomes 0 (erosion and feathering in one pass; a few milliseconds at any size).
    /// </summary>
    static FloatPlane SoftInside(FloatPlane mask, float radius)
    {
        var soft = mask.GaussianBlurDownsampled(MathF.Max(0.5f, radius / 2f));
        for (var i = 0; i < soft.Data.Length; i++) soft.Data[i] = Math.Clamp(2 * soft.Data[i] - 1, 0, 1);
        return soft;
    }

    /// <summary>The outward counterpart of <see cref="SoftInside"/>: the mask grown by a soft edge about <paramref name="radius"/> wide.</summary>
    static FloatPlane SoftOutside(FloatPlane mask, float radius)
    {
        var soft = mask.GaussianBlurDownsampled(MathF.Max(0.5f, radius / 2f));
        for (var i = 0; i < soft.Data.Length; i++) soft.Data[i] = Math.Clamp(2 * soft.Data[i], 0, 1);
        return soft;
    }

    /// <summary>
    /// What covers the face: hair, clothes (scarves, masks, collars) and what is none of skin, hair or clothes (a board,
    /// a phone) inside the face, from the parser. Eyes and brows
    /// stay part of the face (the parser reads brows as hair). A skin-coloured hand reads as skin: the parser cannot
    /// tell it from a cheek, so hands over the face are not masked (a learned occluder model would be needed).
    /// </summary>
    static FloatPlane OcclusionMask(SkinClothesHairMasks parsed, FaceLandmarks mesh, Rect region, float size)
    {
        var mask = new FloatPlane(region.Width, region.Height);
        var eyes = MeshAreas.Mask(mesh, [FaceArea.Eyes], region).Dilate(Math.Max(1, (int)(size * 0.02f)));
        for (var i = 0; i < mask.Data.Length; i++)
        {
            var (hair, clothes) = (parsed.Hair.Data[i], parsed.Clothes.Data[i]);
            // What the parser reads as none of its classes inside the face is an object it has no class for.
            var cover = MathF.Max(MathF.Max(hair, clothes), 1 - parsed.Skin.Data[i] - hair - clothes);
            // Where the parser is unsure (an occluder it reads as 80 % not-face), the source must not shine through at
            // 20 %: it drew faint lip and fold lines on a bar held over the mouth. Below 20 % face it is none.
            mask.Data[i] = eyes.Data[i] > 0 ? 1 : Math.Clamp((1 - cover - 0.2f) / 0.6f, 0, 1);
        }
        return mask.GaussianBlurDownsampled(size * 0.007f);
    }

    static FloatPlane RegionMask(SkinClothesHairMasks parsed, IReadOnlyList<FaceRegion> regions, float size)
    {
        var mask = new FloatPlane(parsed.Width, parsed.Height);
        for (var i = 0; i < mask.Data.Length; i++)
        {
            var v = 0f;
            if (regions.Contains(FaceRegion.Skin)) v = MathF.Max(v, parsed.Skin.Data[i]);
            if (regions.Contains(FaceRegion.Hair)) v = MathF.Max(v, parsed.Hair.Data[i]);
            mask.Data[i] = v;
        }
        return mask.GaussianBlurDownsampled(size * 0.007f);
    }

    static FloatPlane Product(FloatPlane a, FloatPlane b)
    {
        var result = new FloatPlane(a.Width, a.Height);
        for (var i = 0; i < result.Data.Length; i++) result.Data[i] = a.Data[i] * b.Data[i];
        return result;
    }

    static FloatPlane Minimum(FloatPlane a, FloatPlane b)
    {
        var result = new FloatPlane(a.Width, a.Height);
        for (var i = 0; i < result.Data.Length; i++) result.Data[i] = MathF.Min(a.Data[i], b.Data[i]);
        return result;
    }

    /// <summary>blended = background + (blended - background) × keep (with <paramref name="over"/>: blended = blended + (layer - blended) × keep).</summary>
    static void Composite(RgbaImage blended, RgbaImage background, FloatPlane keep, bool over = false)
    {
        if (over)
        {
            var dst = blended.Pixels;
            var src = background.Pixels;
            for (var i = 0; i < dst.Length; i++)
            {
                var k = keep.Data[i];
                if (k <= 0) continue;
                dst[i] = new Rgba32((byte)(dst[i].R + (src[i].R - dst[i].R) * k), (byte)(dst[i].G + (src[i].G - dst[i].G) * k), (byte)(dst[i].B + (src[i].B - dst[i].B) * k), 255);
            }
            return;
        }
        var o = blended.Pixels;
        var b = background.Pixels;
        for (var i = 0; i < o.Length; i++)
        {
            var k = keep.Data[i];
            if (k >= 1) continue;
            o[i] = new Rgba32((byte)(b[i].R + (o[i].R - b[i].R) * k), (byte)(b[i].G + (o[i].G - b[i].G) * k), (byte)(b[i].B + (o[i].B - b[i].B) * k), 255);
        }
    }

    static void Paste(RgbaImage into, RgbaImage patch, Rect at)
    {
        for (var y = 0; y < patch.Height; y++) patch.PixelRow(y).CopyTo(into.PixelRow(y + at.Y).Slice(at.X, patch.Width));
    }

    static FloatPlane Expand(FloatPlane plane, Rect region, int width, int height)
    {
        var full = new FloatPlane(width, height);
        for (var y = 0; y < plane.Height; y++) plane.Row(y).CopyTo(full.Row(y + region.Y).Slice(region.X, plane.Width));
        return full;
    }
}
