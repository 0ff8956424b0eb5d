using Likeness.Imaging;
using Likeness.Imaging.Blending;
using Likeness.Imaging.Color;
using Likeness.Imaging.Filters;
using Likeness.Imaging.Transforms;
using Likeness.Vision.Faces;
using Likeness.Vision.Faces.Alignment;
using Likeness.Vision.Faces.Pose;
using Likeness.Vision.Framing;
using Likeness.Vision.Identity;
using Likeness.Pipelines.Check;

namespace Likeness.Pipelines.Views;

/// <summary>One candidate photo's measurements for view selection.</summary>
public sealed record ViewCandidate(string Photo, DetectedFace Face, HeadPose Pose, double Sharpness, double FaceWidthPx);

public sealed record ViewResult(FaceView View, string? File, string? SourcePhoto, double? Yaw, double? Sharpness, double? FaceHeightFraction, string? Missing)
{
    /// <summary>The side of the face the view shows, as users name profiles: "left" when the nose points to the frame's left edge.</summary>
    public string SubjectSide => View switch { FaceView.Front => "both", FaceView.ThreeQuarterLeft or FaceView.ProfileLeft => "left", _ => "right" };
    /// <summary>Made by a provider (not from one of the photos) and passed the likeness gate.</summary>
    public bool Generated { get; init; }
    /// <summary>Identity similarity of the delivered view to the photos' template (generated views).</summary>
    public double? Similarity { get; init; }
    /// <summary>Every generation attempt for this view, passed or not.</summary>
    public IReadOnlyList<Generation.AttemptReport>? Attempts { get; init; }
}

public sealed record ViewsOutcome(IReadOnlyList<ViewResult> Views, IReadOnlyList<string> Skipped, RgbaImage Sheet, IReadOnlyDictionary<FaceView, RgbaImage> Images);

/// <summary>
/// `likeness views`: from the user's own photos, the standard headshot set (front, three-quarter and profile to
/// each side, named by where the nose points in the frame), each aligned, cropped so the face fills ~45 % of the
/// frame height with fixed headroom, on white, 1024x1024. A view with no suitable photo is reported, never invented.
/// </summary>
public sealed class ViewsPipeline(VisionEngine engine, PhotoCheckRules? checkRules = null)
{
    internal VisionEngine Engine => engine;
    public const int Size = 1024;
    /// <summary>Face (skull top to chin) as a share of the frame height; the issue asks for 40-50 %.</summary>
    public const double FaceShare = 0.45;
    /// <summary>Space above the skull, as a share of the frame height.</summary>
    public const double Headroom = 0.12;
    // A detector box spans brows to chin; the skull top sits about this much of its height above it.
    public const double SkullAboveBox = 0.45;
    /// <summary>A view enlarges its photo at most this much; a smaller face is refused with the size it needs.</summary>
    public const double MaxUpscale = 3.0;

    public static readonly FaceView[] Order = [FaceView.ProfileLeft, FaceView.ThreeQuarterLeft, FaceView.Front, FaceView.ThreeQuarterRight, FaceView.ProfileRight];

    static double TargetYaw(FaceView v) => v switch
    {
        FaceView.Front => 0,
        // Measured yaw saturates near 45-50 degrees for true profiles (see docs/head-pose.md).
        FaceView.ThreeQuarterRight => 28,
        FaceView.ThreeQuarterLeft => -28,
        FaceView.ProfileRight => 55,
        _ => -55,
    };

    public async Task<ViewsOutcome> RunAsync(IReadOnlyList<EncodedImage> photos, string matting = "quality",
        IProgress<PipelineProgress>? progress = null, CancellationToken ct = default, ViewGeneration? generation = null)
    {
        var skipped = new List<string>();
        var checker = new PhotoCheckPipeline(engine, checkRules);
        var candidates = new List<(ViewCandidate C, RgbaImage Image)>();
        for (int i = 0; i < photos.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            progress?.Report(new PipelineProgress(photos[i].Name, "analyse", (double)i / photos.Count * 0.5));
            try
            {
                // The photo checks `likeness check` runs: a photo that fails them cannot make a good view.
                var checkResult = await checker.CheckPhotoAsync(photos[i], ct);
                if (!checkResult.Usable)
                {
                    skipped.Add($"{photos[i].Name}: " + string.Join("; ", checkResult.Findings.Where(f => f.Severity == CheckSeverity.Error)
                        .Select(f => f.Fix is null ? f.Message : $"{f.Message} ({f.Fix})")));
                    continue;
                }
                var image = photos[i].Decode();
                var face = await engine.DominantFaceAsync(image, ct);
                if (face is null) { skipped.Add($"{photos[i].Name}: no face found"); continue; }
                var pose = await engine.HeadPoseAsync(image, face, ct);
                var aligned = FaceAligner.Align(image, face);
                double sharp = Sharpness.VarianceOfLaplacian(aligned.Image.ToGray());
                candidates.Add((new ViewCandidate(photos[i].Name, face, pose, sharp, face.Box.Width), image));
            }
            catch (LikenessException e) { skipped.Add(e.Message); }
        }

        var embeddings = await DropOtherPeopleAsync(candidates, skipped, generation is not null, ct);

        var results = new List<ViewResult>();
        var images = new Dictionary<FaceView, RgbaImage>();
        int done = 0;
        foreach (var view in Order)
        {
            var ranked = generation?.Mode == GenerateViews.All ? [] : candidates.Where(c => c.C.Pose.View == view).OrderByDescending(c => Score(c.C, view)).ToList();
            if (ranked.Count == 0 && generation is not null && candidates.Count > 0)
            {
                progress?.Report(new PipelineProgress(Label(view), $"generate {view}", 0.5 + 0.5 * done++ / Order.Length));
                var generated = await generation.GenerateAsync(this, view, candidates, embeddings, matting, progress, ct);
                if (generated.Tile is not null) images[view] = generated.Tile;
                results.Add(generated.Result);
                continue;
            }
            if (ranked.Count == 0)
            {
                results.Add(new ViewResult(view, null, null, null, null, null, MissingAdvice(view)));
                continue;
            }
            progress?.Report(new PipelineProgress(ranked[0].C.Photo, $"render {view}", 0.5 + 0.5 * done++ / Order.Length));
            // The best photo whose rendered view passes; the best photo's refusal when none does.
            string? firstRefusal = null;
            foreach (var (c, image) in ranked)
            {
                var (tile, faceFraction, refusal) = await RenderVerifiedAsync(view, image, c, matting, ct);
                if (tile is null)
                {
                    firstRefusal ??= refusal;
                    skipped.Add($"{c.Photo}: not used for {Label(view)}: {refusal}");
                    continue;
                }
                images[view] = tile;
                results.Add(new ViewResult(view, FileName(view), c.Photo, Math.Round(c.Pose.Yaw, 1),
                    Math.Round(c.Sharpness, 1), Math.Round(faceFraction, 3), null));
                firstRefusal = null;
                break;
            }
            if (firstRefusal is not null)
                results.Add(new ViewResult(view, null, null, null, null, null, $"no {Label(view)} view: {firstRefusal}"));
        }
        return new ViewsOutcome(results, skipped, ContactSheet.Build(results, images), images);
    }

    /// <summary>
    /// Renders one view and keeps it only when it passes: enough resolution for the frame, a head that is not cut
    /// off, an opaque matte (the other model tried, see <see cref="PersonMatting"/>), and exactly one face in the
    /// rendered view, found where it was placed, with the identity of the source photo's face.
    /// </summary>
    internal async Task<(RgbaImage? Tile, double FaceFraction, string? Refusal)> RenderVerifiedAsync(FaceView view, RgbaImage image, ViewCandidate c, string matting, CancellationToken ct)
    {
        var box = c.Face.Box;
        double scale = FaceShare * Size / (box.Height * (1 + SkullAboveBox));
        if (scale > MaxUpscale)
            return (null, 0, $"the best {Label(view)} photo {c.Photo} is {image.Width}x{image.Height} with a {box.Height:0} px face: too small for a {Size}x{Size} view " +
                $"(it would be enlarged {scale:0.0}x; at most {MaxUpscale:0.#}x keeps it sharp): use a photo where the face is at least {FaceShare * Size / MaxUpscale / (1 + SkullAboveBox):0} px tall");
        var framing = FramingClassifier.Classify(image.Width, image.Height, box);
        if (framing.Framing == PhotoFraming.CloseCrop)
            return (null, 0, $"{c.Photo} is a close face crop ({framing.CutDescription}): the view would show a cut-off head; use a photo that shows the whole head and the shoulders");
        CheckedMatte matte;
        try { matte = await new PersonMatting(engine).MatteAsync(image, c.Face, matting, c.Photo, ct); }
        catch (ComposeRefusedException e) { return (null, 0, e.Message); }
        var (tile, faceFraction, transform) = Render(image, matte.Result.Alpha, c);
        var faces = await engine.Detector.DetectAsync(tile, ct: ct);
        if (faces.Count != 1)
            return (null, 0, faces.Count == 0
                ? $"no face was found in the rendered view of {c.Photo} (the matte may have removed the person): use a clearer photo"
                : $"the rendered view of {c.Photo} shows {faces.Count} faces: use a photo of the person alone");
        var check = await new OutputVerifier(engine).VerifyAsync(image, c.Face, tile, transform, ct);
        if (!check.Verified) return (null, 0, $"the rendered view of {c.Photo} failed its check: {check.Problem}");
        return (tile, faceFraction, null);
    }

    /// <summary>
    /// With 3+ photos, a photo whose face does not match the template of the others is someone else: leave it out.
    /// Returns the embeddings of the candidates kept, in order.
    /// </summary>
    async Task<List<Likeness.Vision.Identity.FaceEmbedding>> DropOtherPeopleAsync(List<(ViewCandidate C, RgbaImage Image)> candidates, List<string> skipped, bool keepEmbeddings, CancellationToken ct)
    {
        var embeddings = new List<Likeness.Vision.Identity.FaceEmbedding>();
        if (candidates.Count < 3 && !keepEmbeddings) return embeddings;
        foreach (var (c, image) in candidates) embeddings.Add(await engine.Identity.EmbedFaceAsync(image, c.Face, ct));
        if (candidates.Count < 3) return embeddings;
        var set = SamePersonSet.Of(embeddings, engine.Identity.Settings.Threshold);
        var outliers = set.Outliers;
        foreach (var i in outliers) skipped.Add(set.Describe(i, candidates[i].C.Photo));
        foreach (var i in outliers.OrderByDescending(i => i)) { candidates.RemoveAt(i); embeddings.RemoveAt(i); }
        return embeddings;
    }

    /// <summary>Closest yaw first; then sharpness and face size break near-ties.</summary>
    static double Score(ViewCandidate c, FaceView view) =>
        -Math.Abs(c.Pose.Yaw - TargetYaw(view)) / 10.0 + Math.Log10(1 + c.Sharpness) * 0.5 + Math.Min(c.FaceWidthPx, 400) / 400.0;

    public static string FileName(FaceView view) => view switch
    {
        FaceView.Front => "front.png",
        FaceView.ThreeQuarterLeft => "three-quarter-left.png",
        FaceView.ThreeQuarterRight => "three-quarter-right.png",
        FaceView.ProfileLeft => "profile-left.png",
        _ => "profile-right.png",
    };

    public static string Label(FaceView view) => Path.GetFileNameWithoutExtension(FileName(view));

    static string MissingAdvice(FaceView view) => view switch
    {
        FaceView.Front => "no front photo: add one looking straight into the camera",
        FaceView.ThreeQuarterLeft => "no three-quarter-left photo: add one with the head turned so the nose points toward the left edge of the frame (about 30-45 degrees)",
        FaceView.ThreeQuarterRight => "no three-quarter-right photo: add one with the head turned so the nose points toward the right edge of the frame (about 30-45 degrees)",
        FaceView.ProfileLeft => "no profile-left photo: add one with the nose pointing to the left edge of the frame (side view)",
        _ => "no profile-right photo: add one with the nose pointing to the right edge of the frame (side view)",
    };

    /// <summary>Levels the eyes, scales so the face fills <see cref="FaceShare"/> of the height, and puts it on white.</summary>
    /// <summary>Share of the frame height over which a body cut by the photo's bottom edge fades out.</summary>
    public const double CutFade = 0.08;

    /// <summary>
    /// When the photo's bottom edge (the person cut at the chest) lands inside the frame, the cut would show as a hard
    /// straight line across the body floating above the frame's bottom: fade the person out over the last
    /// <see cref="CutFade"/> of the frame height above the cut, as headshot sets do.
    /// </summary>
    static void FadeCutEdge(RgbaImage warped, AffineTransform transform, RgbaImage photo)
    {
        var (_, leftY) = transform.Apply(0, photo.Height);
        var (_, rightY) = transform.Apply(photo.Width, photo.Height);
        double cut = Math.Min(leftY, rightY);
        if (cut >= Size - 1) return;
        double fade = CutFade * Size;
        for (int y = Math.Max(0, (int)(cut - fade)); y < Size; y++)
        {
            float keep = (float)Math.Clamp((cut - y) / fade, 0, 1);
            if (keep >= 1) continue;
            for (int x = 0; x < Size; x++)
            {
                var p = warped[x, y];
                if (p.A != 0) warped[x, y] = p with { A = (byte)(p.A * keep) };
            }
        }
    }

    static (RgbaImage Tile, double FaceFraction, AffineTransform Transform) Render(RgbaImage image, FloatPlane alpha, ViewCandidate c)
    {
        var box = c.Face.Box;
        double skullTop = box.Y - SkullAboveBox * box.Height;
        double faceHeight = box.Bottom - skullTop;
        double scale = FaceShare * Size / faceHeight;
        var eyes = c.Face.RightEye - c.Face.LeftEye;
        // Profiles put both eyes on one side: only level by the eye line when it is a reliable horizontal.
        double roll = c.Pose.View.IsProfile() ? 0 : Math.Atan2(eyes.Y, eyes.X);
        double cx = box.CenterX, cy = skullTop;
        var transform = AffineTransform.Translation(-cx, -cy)
            .Then(AffineTransform.Rotation(-roll))
            .Then(AffineTransform.Scaling(scale, scale))
            .Then(AffineTransform.Translation(Size / 2.0, Headroom * Size));
        var cutout = image.Clone();
        cutout.SetAlpha(alpha);
        var warped = cutout.WarpAffine(transform, Size, Size, BorderMode.Constant, new Rgba32(0, 0, 0, 0));
        FadeCutEdge(warped, transform, image);
        var tile = RgbaImage.Filled(Size, Size, new Rgba32(255, 255, 255));
        tile.AlphaBlend(warped, 0, 0, 1f, linearLight: true);
        return (tile, faceHeight * scale / Size, transform);
    }
}
