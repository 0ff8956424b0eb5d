using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;
using Likeness.Pipelines.Generation;
using Likeness.Providers;
using Likeness.Vision;
using Likeness.Vision.Faces;
using Likeness.Vision.Faces.Pose;
using Likeness.Vision.Identity;

namespace Likeness.Pipelines.Swap;

/// <summary>One target face as it was before the swap: where, who, and which way the nose pointed.</summary>
sealed record OriginalFace(int Index, DetectedFace Face, FaceEmbedding Embedding, float Yaw);

/// <param name="Attempts">Every provider attempt per swapped face, with the gate's verdict on the pixels it returned.</param>
public sealed record ProviderSwapResult(SwapResult Swap, IReadOnlyList<GenerationAttempt> Attempts);

/// <summary>
/// The learned face swap of a cloud provider (`--engine provider`, e.g. fal-ai/face-swap), judged by the local engine
/// like every generated image. A target with one face is sent whole; with several, each chosen face is sent as a crop
/// around it (so the provider sees one face and cannot pick the wrong one) and the answer is blended back with a
/// feathered edge. Each result must show, where the face was, the source person (at the calibrated threshold and closer to
/// the source than to the original), not mirrored, and leave every face that was not chosen the person it was.
/// </summary>
public sealed class ProviderFaceSwap(VisionEngine engine, GatedGenerator generator)
{
    /// <summary>The crop around a face is this many face-box sizes wide: hair, ears and chin inside, neighbours mostly out.</summary>
    public const float CropScale = 2.6f;

    public async Task<ProviderSwapResult> SwapAsync(SwapSource source, RgbaImage target, SwapOptions options, GenerationContext context,
        string? route = null, IProgress<GatedProgress>? progress = null, CancellationToken ct = default)
    {
        var faces = await engine.Detector.DetectAsync(target, ct: ct);
        if (faces.Count == 0) throw new ArgumentException("No face found in the target image; swap needs a visible face to replace.");
        var chosen = options.AllFaces ? Enumerable.Range(0, faces.Count).ToList()
            : options.FaceIndices.Count > 0 ? options.FaceIndices.Distinct().ToList() : [0];
        if (chosen.FirstOrDefault(i => i < 0 || i >= faces.Count, -1) is var bad && bad >= 0)
            throw new ArgumentException($"Face {bad} does not exist: the target has {faces.Count} face(s), numbered 0 (largest) to {faces.Count - 1}.");

        var originals = new List<OriginalFace>();
        for (int i = 0; i < faces.Count; i++)
        {
            var embedding = await engine.Identity.EmbedFaceAsync(target, faces[i], ct);
            originals.Add(new OriginalFace(i, faces[i], embedding, (await engine.HeadPoseAsync(target, faces[i], ct)).Yaw));
        }
        var sourcePhoto = MediaInput.FromBytes(ImageCodec.Encode(source.Photo, ImageFormat.Png));
        var working = target.Clone();
        var attempts = new List<GenerationAttempt>();
        var reports = new List<SwapFaceReport>();
        foreach (var index in chosen)
        {
            var started = DateTime.UtcNow;
            var region = RegionFor(faces, index, target.Width, target.Height);
            var sent = region.Width == target.Width && region.Height == target.Height ? working : working.Crop(region);
            var before = working;
            var request = new GenerationRequest
            {
                Operation = GenerationOperation.FaceSwap, Route = route,
                Image = MediaInput.FromBytes(ImageCodec.Encode(sent, ImageFormat.Png)), ReferenceImages = [sourcePhoto],
            };
            var judge = new SwapJudge(engine, source.Identity, originals, index, chosen, before, region);
            var gated = new GatedRequest($"face {index}", request, new GateExpectation(null, GateFraming.Any), source.Identity)
            {
                References = [sourcePhoto], Judge = judge.JudgeAsync,
            };
            try
            {
                var outcome = await generator.RunAsync(gated, context, progress, ct);
                attempts.AddRange(outcome.Attempts);
                working = outcome.Image;
                var verdict = outcome.Winner.Verdict;
                reports.Add(new SwapFaceReport(index, faces[index].Box, verdict.Similarity ?? 0, judge.LastSimilarityToOriginal, verdict.Threshold ?? 0, 0,
                    new Dictionary<string, double> { ["provider"] = (DateTime.UtcNow - started).TotalMilliseconds }));
            }
            catch (GenerationFailedException e)
            {
                attempts.AddRange(e.Attempts);
                throw;
            }
        }
        return new ProviderSwapResult(new SwapResult(working, reports, faces.Count, new Dictionary<string, FloatPlane>(), []), attempts);
    }

    /// <summary>The whole image when it has one face or the crop would take most of it anyway; else the crop around the face.</summary>
    public static Rect RegionFor(IReadOnlyList<DetectedFace> faces, int index, int width, int height)
    {
        var whole = new Rect(0, 0, width, height);
        if (faces.Count == 1) return whole;
        var crop = CropAround(faces[index].Box, width, height);
        return crop.Width * (long)crop.Height >= 0.7 * width * height ? whole : crop;
    }

    /// <summary>A square around the face box, <see cref="CropScale"/> box sizes wide, kept inside the image.</summary>
    public static Rect CropAround(BoxF box, int width, int height)
    {
        var side = Math.Min(Math.Min(width, height), (int)MathF.Ceiling(MathF.Max(box.Width, box.Height) * CropScale));
        int x = Math.Clamp((int)MathF.Round(box.CenterX - side / 2f), 0, width - side);
        int y = Math.Clamp((int)MathF.Round(box.CenterY - side / 2f), 0, height - side);
        return new Rect(x, y, side, side);
    }

    /// <summary>
    /// Blends the provider's answer for <paramref name="region"/> into a copy of <paramref name="image"/>, fading over the
    /// outer eighth of the crop; for the whole image, the answer itself (fitted to its size).
    /// </summary>
    public static RgbaImage PasteBack(RgbaImage image, RgbaImage answer, Rect region)
    {
        var fitted = answer.Width == region.Width && answer.Height == region.Height ? answer : answer.Resize(region.Width, region.Height, ResizeMethod.Area);
        if (region.Width == image.Width && region.Height == image.Height) return fitted;
        var output = image.Clone();
        float feather = Math.Max(2, region.Width / 8f);
        for (int y = 0; y < region.Height; y++)
        {
            var to = output.PixelRow(region.Y + y).Slice(region.X, region.Width);
            var from = fitted.PixelRow(y);
            float wy = Math.Min(1, Math.Min(y + 0.5f, region.Height - y - 0.5f) / feather);
            for (int x = 0; x < region.Width; x++)
            {
                float w = Math.Min(wy, Math.Min(1, Math.Min(x + 0.5f, region.Width - x - 0.5f) / feather));
                w = w * w * (3 - 2 * w);
                to[x] = new Rgba32(Mix(to[x].R, from[x].R, w), Mix(to[x].G, from[x].G, w), Mix(to[x].B, from[x].B, w), to[x].A);
            }
        }
        return output;
    }

    static byte Mix(byte a, byte b, float w) => (byte)Math.Clamp(MathF.Round(a + (b - a) * w), 0, 255);

    /// <summary>Judges one provider answer on the full image it makes once blended back.</summary>
    sealed class SwapJudge(VisionEngine engine, IdentityTemplate source, IReadOnlyList<OriginalFace> originals, int index, IReadOnlyList<int> chosen,
        RgbaImage before, Rect region)
    {
        public float LastSimilarityToOriginal { get; private set; }

        public async Task<(GateVerdict Verdict, RgbaImage? Deliverable)> JudgeAsync(RgbaImage answer, CancellationToken ct)
        {
            var findings = new List<GateFinding>();
            double expected = region.Width / (double)region.Height, got = answer.Width / (double)answer.Height;
            if (Math.Abs(got / expected - 1) > 0.03)
            {
                findings.Add(new(GateChecks.Answer, false, $"{answer.Width}x{answer.Height}",
                    $"the provider returned a {answer.Width}x{answer.Height} image for a {region.Width}x{region.Height} input: it was cropped or re-framed"));
                return (new GateVerdict(findings) { Width = answer.Width, Height = answer.Height }, null);
            }
            findings.Add(new(GateChecks.Answer, true, $"{answer.Width}x{answer.Height}"));
            var result = PasteBack(before, answer, region);
            var faces = await engine.Detector.DetectAsync(result, ct: ct);
            var verdict = new GateVerdict(findings) { Width = result.Width, Height = result.Height, Faces = faces.Count };
            var original = originals[index];
            var swapped = Matching(faces, original.Face.Box);
            if (swapped is null)
            {
                findings.Add(new(GateChecks.OneFace, false, $"{faces.Count} faces", $"no face where face {index} was: the provider removed or moved it"));
                return (verdict, null);
            }
            findings.Add(new(GateChecks.OneFace, true, $"face at {swapped.Box.X:0},{swapped.Box.Y:0}"));

            var embedding = await engine.Identity.EmbedFaceAsync(result, swapped, ct);
            var toSource = engine.Identity.Compare(source, embedding);
            var toOriginal = engine.Identity.Compare(original.Embedding, embedding);
            LastSimilarityToOriginal = toOriginal.Similarity;
            verdict = verdict with { Similarity = toSource.Similarity, Threshold = toSource.Threshold };
            string measured = $"similarity to the source {toSource.Similarity:0.000}, to the original {toOriginal.Similarity:0.000}";
            if (!toSource.IsSame)
                findings.Add(new(GateChecks.Identity, false, measured,
                    $"the swapped face is not the source person: similarity {toSource.Similarity:0.00} is below the calibrated {toSource.Threshold:0.00}"));
            else if (toOriginal.Similarity >= toSource.Similarity)
                findings.Add(new(GateChecks.Identity, false, measured,
                    $"the face still reads as the original person ({toOriginal.Similarity:0.00}) more than as the source ({toSource.Similarity:0.00})"));
            else findings.Add(new(GateChecks.Identity, true, measured));

            var yaw = (await engine.HeadPoseAsync(result, swapped, ct)).Yaw;
            verdict = verdict with { Yaw = MathF.Round(yaw, 1) };
            bool mirrored = MathF.Abs(original.Yaw) >= FaceViews.FrontMaxYaw && MathF.Abs(yaw) >= FaceViews.FrontMaxYaw && MathF.Sign(yaw) != MathF.Sign(original.Yaw);
            findings.Add(mirrored
                ? new(GateChecks.Mirrored, false, $"yaw {yaw:+0;-0}, was {original.Yaw:+0;-0}",
                    $"mirrored: the face now looks toward the {(yaw > 0 ? "RIGHT" : "LEFT")} edge, the target's looked toward the {(original.Yaw > 0 ? "RIGHT" : "LEFT")} edge")
                : new(GateChecks.View, true, $"yaw {yaw:+0;-0}, was {original.Yaw:+0;-0}"));
            verdict = verdict with { Mirrored = mirrored };

            foreach (var other in originals.Where(o => !chosen.Contains(o.Index)))
            {
                if (Matching(faces, other.Face.Box) is not { } kept) continue;   // outside the crop's reach or hidden: judged by the faces that remain
                var same = engine.Identity.Compare(other.Embedding, await engine.Identity.EmbedFaceAsync(result, kept, ct));
                if (!same.IsSame)
                    findings.Add(new(GateChecks.Identity, false, $"face {other.Index} similarity to itself {same.Similarity:0.000}",
                        $"face {other.Index}, which was not to be swapped, changed into someone else (similarity to itself {same.Similarity:0.00})"));
            }
            return (verdict with { Findings = findings }, result);
        }

        static DetectedFace? Matching(IReadOnlyList<DetectedFace> faces, BoxF box)
        {
            DetectedFace? best = null;
            float bestIou = 0.3f;
            foreach (var face in faces)
            {
                var iou = face.Box.IntersectionOverUnion(box);
                if (iou > bestIou) (best, bestIou) = (face, iou);
            }
            return best;
        }
    }
}
