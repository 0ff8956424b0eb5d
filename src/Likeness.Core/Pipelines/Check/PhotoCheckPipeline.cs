using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Color;
using Likeness.Imaging.Filters;
using Likeness.Imaging.Transforms;
using Likeness.Vision.Faces.Alignment;
using Likeness.Vision.Faces.Pose;
using Likeness.Vision.Framing;
using Likeness.Vision.Identity;

namespace Likeness.Pipelines.Check;

/// <summary>`likeness check`: onboarding validation of reference photos, per photo and per set, each failure with its fix.</summary>
public sealed class PhotoCheckPipeline(VisionEngine engine, PhotoCheckRules? rules = null)
{
    public PhotoCheckRules Rules { get; } = rules ?? new PhotoCheckRules();

    public async Task<SetCheckResult> CheckAsync(IReadOnlyList<EncodedImage> photos, IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        var results = new List<PhotoCheckResult>();
        var embeddings = new List<(int Index, FaceEmbedding Embedding)>();
        for (int i = 0; i < photos.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            progress?.Report(new PipelineProgress(photos[i].Name, "check", (double)i / photos.Count));
            var (result, embedding) = await CheckOneAsync(photos[i], ct);
            results.Add(result);
            if (embedding is not null && result.Usable) embeddings.Add((i, embedding));
        }
        var setFindings = SetFindings(results, embeddings);
        return new SetCheckResult(results, setFindings);
    }

    /// <summary>The per-photo checks alone (no set findings and no embedding), as `likeness views` runs them.</summary>
    public async Task<PhotoCheckResult> CheckPhotoAsync(EncodedImage photo, CancellationToken ct = default) =>
        (await CheckOneAsync(photo, ct, embed: false)).Item1;

    async Task<(PhotoCheckResult, FaceEmbedding?)> CheckOneAsync(EncodedImage photo, CancellationToken ct, bool embed = true)
    {
        var f = new List<CheckFinding>();
        ImageInfo info;
        try { info = ImageCodec.Identify(photo.Bytes, photo.Name); }
        catch (ImageDecodeException e)
        {
            f.Add(new("format", CheckSeverity.Error, e.Reason, "use a JPEG, PNG or WebP photo"));
            return (new PhotoCheckResult(photo.Name, f, null), null);
        }
        if (photo.Bytes.Length > Rules.MaxBytes)
            f.Add(new("size", CheckSeverity.Error, $"{photo.Bytes.Length / 1048576.0:0.00} MB is over the {Rules.MaxBytes / 1048576.0:0.##} MB limit", "export it again as JPEG at quality 90, or scale it to about 2000 px on the long side"));
        int w = info.OrientedWidth, h = info.OrientedHeight;
        if (Math.Min(w, h) < Rules.MinSide)
            f.Add(new("resolution", CheckSeverity.Error, $"{w}x{h} is below {Rules.MinSide}x{Rules.MinSide}", "use the original photo, not a thumbnail or a screenshot"));

        RgbaImage image;
        try { image = photo.Decode(); }
        catch (ImageDecodeException e)
        {
            f.Add(new("decode", CheckSeverity.Error, e.Reason, "the file is damaged: export or copy it again"));
            return (new PhotoCheckResult(photo.Name, f, null), null);
        }

        var faces = await engine.Detector.DetectAsync(image, ct: ct);
        if (faces.Count == 0)
        {
            f.Add(new("face", CheckSeverity.Error, "no face found", "use a photo where your face is clearly visible and not covered"));
            return (new PhotoCheckResult(photo.Name, f, Measure(info, photo, faces.Count)), null);
        }
        var face = faces[0];
        if (faces.Count > 1 && faces[1].Box.Area >= Rules.SecondFaceRatio * face.Box.Area)
            f.Add(new("one-face", CheckSeverity.Error, $"{faces.Count} faces, none clearly dominant", "use a photo of you alone, or crop the others out"));

        if (face.Box.Width < Rules.MinFaceWidth)
            f.Add(new("face-size", CheckSeverity.Error, $"the face is {face.Box.Width:0} px wide (minimum {Rules.MinFaceWidth})", "move closer or crop the photo so your face is larger"));

        var aligned = FaceAligner.Align(image, face);
        double sharpness = ContrastNormalisedSharpness(aligned.Image);
        if (sharpness < Rules.MinSharpness)
            f.Add(new("sharpness", CheckSeverity.Error, $"the face is blurry (sharpness {sharpness:0.000} < {Rules.MinSharpness:0.000})", "hold the camera still, focus on the face, and use more light"));

        var (mean, dark, bright) = Exposure(aligned.Image);
        if (mean < Rules.MinMeanLuma || dark > Rules.MaxClipped)
            f.Add(new("exposure", CheckSeverity.Error, $"the face is too dark (mean {mean:0.00}, {dark:P0} clipped to black)", "take the photo facing a window or with more light"));
        else if (mean > Rules.MaxMeanLuma || bright > Rules.MaxClipped)
            f.Add(new("exposure", CheckSeverity.Error, $"the face is overexposed (mean {mean:0.00}, {bright:P0} clipped to white)", "avoid direct flash or sun on the face"));

        var framing = FramingClassifier.Classify(image.Width, image.Height, face.Box);
        if (framing.Framing == PhotoFraming.CloseCrop)
            f.Add(new("framing", CheckSeverity.Warning, $"a close face crop: {framing.CutDescription}",
                "fine for recognising you; for compose and views use a photo that shows the whole head and the shoulders"));

        var pose = await engine.HeadPoseAsync(image, face, ct);
        FaceEmbedding? embedding = null;
        if (embed && f.All(x => x.Severity != CheckSeverity.Error))
            embedding = await engine.Identity.EmbedFaceAsync(image, face, ct);

        var m = new PhotoMeasurements(info.Format.ToString(), w, h, photo.Bytes.Length, faces.Count, Math.Round(face.Box.Width, 1),
            Math.Round(face.Box.Width / image.Width, 3), Math.Round(sharpness, 5), Math.Round(mean, 3), Math.Round(dark, 3),
            Math.Round(bright, 3), Math.Round(pose.Yaw, 1), pose.View.ToString(), null, framing.Name);
        return (new PhotoCheckResult(photo.Name, f, m), embedding);
    }

    static PhotoMeasurements Measure(ImageInfo info, EncodedImage photo, int faces) =>
        new(info.Format.ToString(), info.OrientedWidth, info.OrientedHeight, photo.Bytes.Length, faces, null, null, null, null, null, null, null, null, null);

    /// <summary>Variance of the Laplacian divided by the grey variance, so a dark (low-contrast) face is not called blurry.</summary>
    public static double ContrastNormalisedSharpness(RgbaImage alignedCrop)
    {
        var gray = alignedCrop.ToGray();
        double mean = gray.Data.Average(), variance = gray.Data.Average(v => (v - mean) * (v - mean));
        return Sharpness.VarianceOfLaplacian(gray) / Math.Max(variance, 1e-4);
    }

    /// <summary>Mean luma and clipped shares over the inner face of a 112 px aligned crop.</summary>
    public static (double Mean, double Dark, double Bright) Exposure(RgbaImage crop)
    {
        // Inner face of the 112 px ArcFace-aligned crop (brows to chin, cheek to cheek): no background or hair.
        var gray = crop.ToGray().Crop(new Rect(crop.Width * 30 / 112, crop.Height * 40 / 112, crop.Width * 52 / 112, crop.Height * 64 / 112));
        double sum = 0; int dark = 0, bright = 0;
        foreach (var v in gray.Data)
        {
            sum += v;
            if (v < 0.02f) dark++;
            if (v > 0.98f) bright++;
        }
        int n = gray.Data.Length;
        return (sum / n, (double)dark / n, (double)bright / n);
    }

    List<CheckFinding> SetFindings(List<PhotoCheckResult> results, List<(int Index, FaceEmbedding Embedding)> embeddings)
    {
        var f = new List<CheckFinding>();
        int usable = results.Count(r => r.Usable);
        if (usable == 0)
            f.Add(new("set-size", CheckSeverity.Error, "no usable photo", "add at least one clear, well-lit photo of your face"));
        else if (usable < Rules.IdealMinPhotos)
            f.Add(new("set-size", CheckSeverity.Warning, $"{usable} usable photo(s); {Rules.IdealMinPhotos}-{Rules.IdealMaxPhotos} give the best likeness", "add a few more photos from different angles"));
        else if (usable > Rules.IdealMaxPhotos)
            f.Add(new("set-size", CheckSeverity.Warning, $"{usable} usable photos; {Rules.IdealMinPhotos}-{Rules.IdealMaxPhotos} are enough", "keep the sharpest, most varied ones"));

        var views = results.Where(r => r.Usable && r.Measurements?.View is not null).Select(r => Enum.Parse<FaceView>(r.Measurements!.View!)).ToList();
        if (usable > 0 && !views.Contains(FaceView.Front))
            f.Add(new("front", CheckSeverity.Warning, "no front photo", "add one looking straight into the camera"));
        if (usable > 0 && !views.Any(v => v.IsProfile()))
            f.Add(new("profile", CheckSeverity.Warning, "no profile photo", "add one side view (nose pointing to the left or right edge of the frame)"));

        if (embeddings.Count >= 2)
        {
            var set = SamePersonSet.Of(embeddings.Select(e => e.Embedding).ToList(), engine.Identity.Settings.Threshold);
            for (int k = 0; k < embeddings.Count; k++)
            {
                var index = embeddings[k].Index;
                float sim = set.Agreement[k];
                var r = results[index];
                results[index] = r with { Measurements = r.Measurements! with { SimilarityToOthers = Math.Round(sim, 3) } };
                if (set.IsOutlier(k))
                    f.Add(new("same-person", CheckSeverity.Error, $"{r.Photo} does not look like the same person as the others (similarity {sim:0.00} < {set.Threshold:0.00})",
                        $"remove {r.Photo} if it is someone else; otherwise use a clearer photo of the same person", index));
            }
        }
        return f;
    }
}
