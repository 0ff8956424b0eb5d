using Likeness.Compositing;
using Likeness.Imaging;
using Likeness.Imaging.Transforms;
using Likeness.Vision.Faces;
using Likeness.Vision.Faces.Detection;
using Likeness.Vision.Framing;

namespace Likeness.Pipelines.Compose;

public sealed record ComposeResult(RgbaImage Image, FloatPlane PersonMask, ComposeReport Report, ProvenanceRecord Provenance, string? Prompt);

/// <summary>The cut-out person (RGBA, cropped to the matte's person box) and the automatic placement in the scene.</summary>
public sealed record ComposePreview(RgbaImage Cutout, PersonPosition Position, string Method, string Reason, IReadOnlyList<string> Warnings);

/// <summary>
/// `likeness compose`: know the photo's framing, matte the person (opaque, or the other model, or refuse), place
/// them in the scene (or replace their background), harmonise, shadow, export, and verify that the person in the
/// output is still theirs. Whatever cannot be verified is refused (<see cref="ComposeRefusedException"/>) unless
/// <see cref="ComposeOptions.Force"/>; close crops are refused unless <see cref="ComposeOptions.AllowCrop"/> or an
/// <see cref="ICloseCropExtender"/> extends them.
/// </summary>
public sealed class ComposePipeline(VisionEngine engine, ICloseCropExtender? cropExtender = null)
{
    /// <summary>A second face at least this large (area, relative to the dominant one) is a second person in the photo.</summary>
    public const double SecondPersonRatio = 0.25;
    /// <summary>Everything measured on the way, for the report.</summary>
    sealed class Run(EncodedImage person, ComposeOptions options)
    {
        public EncodedImage Person { get; } = person;
        public ComposeOptions Options { get; } = options;
        public StageClock Clock { get; } = new();
        public List<string> Warnings { get; } = [];
        public DetectedFace? Face;
        public IReadOnlyList<DetectedFace> OtherFaces = [];
        public FramingResult? Framing;
        public string? ExtendedBy;
        public CheckedMatte Matte = null!;
        public PlacementReport? Placement;
        public AffineTransform PersonToOutput = AffineTransform.Identity;
        public OutputCheck? Check;
    }

    public async Task<ComposeResult> ComposeAsync(EncodedImage person, EncodedImage? scene, BackgroundSpec? background,
        ComposeOptions options, IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        if ((scene is null) == (background is null))
            throw new LikenessException("compose needs exactly one of a scene (--scene) or a background (--background)");
        var run = new Run(person, options);
        void Report(string stage, double f) => progress?.Report(new PipelineProgress(person.Name, stage, f));

        var sceneImage = scene is null ? null : run.Clock.Time("decode", () => scene.Decode());
        var personImage = await CutOutAsync(run, Report, ct);

        Report("composite", 0.7);
        var (output, mask) = sceneImage is not null
            ? PlaceInScene(run, personImage, sceneImage)
            : ReplaceBackground(run, personImage, background!);
        if (options.Export is { } preset) (output, mask) = Export(run, output, mask, preset);

        Report("check", 0.85);
        if (run.Face is not null)
            run.Check = await run.Clock.TimeAsync("check", () => new OutputVerifier(engine).VerifyAsync(personImage, run.Face, output, run.PersonToOutput, ct));
        RefuseUnverified(run);

        var report = BuildReport(run, scene, background, output);
        var provenance = ProvenanceRecord.Create("compose", report.Inputs, report.Models, Parameters(run));
        string? prompt = options.Mode == ComposeMode.Mask ? InpaintPrompt.For(report) : null;
        Report("done", 1);
        return new ComposeResult(output, mask, report, provenance, prompt);
    }

    /// <summary>
    /// The person cut out (cropped to the matte's person box, alpha = matte) and where automatic placement would put
    /// them in a scene of that size: what a placement editor shows before the real composite is made. Refuses a photo
    /// exactly as <see cref="ComposeAsync"/> would (close crop, several people, no person).
    /// </summary>
    public async Task<ComposePreview> PreviewAsync(EncodedImage person, int sceneWidth, int sceneHeight, RgbaImage? sceneForBusyness,
        ComposeOptions options, CancellationToken ct = default)
    {
        var run = new Run(person, options);
        var photo = await CutOutAsync(run, null, ct);
        var matte = run.Matte.Result;
        var box = matte.PersonBounds!.Value;
        var placement = PlacementPlanner.Auto(LayoutOf(run, photo), sceneWidth, sceneHeight, options.Placement,
            sceneForBusyness is null ? null : SceneBusyness.Columns(sceneForBusyness));
        var cutout = new RgbaImage(box.Width, box.Height);
        for (int y = 0; y < box.Height; y++)
            for (int x = 0; x < box.Width; x++)
            {
                var p = photo[box.X + x, box.Y + y];
                cutout[x, y] = new Rgba32(p.R, p.G, p.B, (byte)Math.Clamp(matte.Alpha[box.X + x, box.Y + y] * 255f + 0.5f, 0, 255));
            }
        return new ComposePreview(cutout, placement.Position, placement.Method, placement.Reason, run.Warnings);
    }

    /// <summary>The cut-out as placement sees it; one definition, so the preview and the composite place the person alike.</summary>
    static PersonLayout LayoutOf(Run run, RgbaImage photo)
    {
        var matte = run.Matte.Result;
        return new PersonLayout(photo.Width, photo.Height, matte.PersonBounds!.Value, run.Face?.Box, matte.TouchesBottomEdge, run.Framing?.Framing);
    }

    /// <summary>Decode, face and framing, matte: the person ready to place, or a refusal with its reason.</summary>
    async Task<RgbaImage> CutOutAsync(Run run, Action<string, double>? report, CancellationToken ct)
    {
        var person = run.Person;
        report?.Invoke("decode", 0);
        WarmUpSessions(run.Options.Matting);
        var personImage = run.Clock.Time("decode", () => person.Decode());
        ct.ThrowIfCancellationRequested();

        report?.Invoke("detect", 0.05);
        personImage = await KnowThePhotoAsync(run, personImage, ct);

        report?.Invoke("matte", 0.1);
        run.Matte = await run.Clock.TimeAsync("matte", () => new PersonMatting(engine).MatteAsync(personImage, run.Face, run.Options.Matting, person.Name, ct));
        if (run.Matte.Result.PersonBounds is null)
            throw new ComposeRefusedException(ComposeRefusal.NoPerson, $"{person.Name}: the matte found no person in the photo: use a photo where the person is clearly visible against the background");
        if (run.Matte.Fallback is { } fallback) run.Warnings.Add($"{person.Name}: {fallback}");
        RefuseOtherPeople(run);
        if (run.Face is not null && run.Framing?.Framing != PhotoFraming.CloseCrop)
            run.Framing = FramingClassifier.Classify(run.Face.Box, run.Matte.Result);
        return personImage;
    }

    /// <summary>
    /// Creates the sessions of the matting model and of the output check (embedder, face mesh) beside decoding and face
    /// detection, which run on one core, instead of on the way (2 cores: ISNet from its prepared graph ~0.1 s, the
    /// embedder ~0.1 s, the mesh a few tens of ms). A failure is left for the step that needs the model to report.
    /// </summary>
    void WarmUpSessions(string matting)
    {
        _ = Task.Run(async () =>
        {
            string[] models;
            try { models = [engine.Matting(matting).ModelName, engine.Identity.Settings.Model, engine.Landmarker.ModelName]; }
            catch (Exception) { return; }
            foreach (var model in models)
            {
                try { await engine.Sessions.GetAsync(model); }
                catch (Exception) { }
            }
        });
    }

    /// <summary>Finds the face and the framing before matting, so a photo that cannot give a good result is refused early
    /// with its true reason (a close crop is not "no person"). Returns the photo to compose (extended, for a close crop,
    /// when an extender is configured).</summary>
    async Task<RgbaImage> KnowThePhotoAsync(Run run, RgbaImage photo, CancellationToken ct)
    {
        var name = run.Person.Name;
        var faces = await run.Clock.TimeAsync("detect", () => engine.Detector.DetectAsync(photo, ct: ct));
        run.Face = faces.Count == 0 ? null : faces[0];
        run.OtherFaces = faces.Skip(1).ToList();
        if (run.Face is null)
        {
            if (!run.Options.Force)
                throw new ComposeRefusedException(ComposeRefusal.NoFace,
                    $"{name}: no face found in the photo, so the person in the result could not be verified: use a photo where the face is clearly visible (or --force to compose it unverified)");
            run.Warnings.Add($"{name}: no face found; placed by the body outline only and NOT verified (--force)");
            return photo;
        }
        run.Framing = FramingClassifier.Classify(photo.Width, photo.Height, run.Face.Box);
        if (run.Framing.Framing != PhotoFraming.CloseCrop) return photo;

        string? extensionFailure = null;
        if (cropExtender is not null)
        {
            var extension = await run.Clock.TimeAsync("extend", () => cropExtender.ExtendAsync(photo, run.Face, ct));
            if (extension.Image is { } extended && await engine.DominantFaceAsync(extended, ct) is { } face
                && FramingClassifier.Classify(extended.Width, extended.Height, face.Box) is { Framing: not PhotoFraming.CloseCrop } framing)
            {
                var crop = run.Framing.CutDescription;
                (run.Face, run.Framing, run.ExtendedBy, run.OtherFaces) = (face, framing, cropExtender.Name, []);
                run.Warnings.Add($"{name}: a close face crop ({crop}); extended to {framing.Name} by {cropExtender.Name} (about ${extension.EstimatedUsd:0.000}), the extension passed the likeness gate");
                return extended;
            }
            extensionFailure = extension.Failure ?? "the extended photo is still a close crop";
        }
        var cut = run.Framing.CutDescription;
        if (!run.Options.AllowCrop)
            throw new ComposeRefusedException(ComposeRefusal.CloseCrop,
                $"{name}: a close face crop: {cut}, so it would sit in the scene as a cut-off head; use a photo that shows the head and shoulders " +
                (extensionFailure is null
                    ? "(--allow-crop places the crop as it is; with a provider key configured, e.g. GEMINI_API_KEY, the crop is extended to head and shoulders)"
                    : $"(extending it through {cropExtender!.Name} failed: {extensionFailure}; --allow-crop places the crop as it is)"));
        run.Warnings.Add($"{name}: a close face crop ({cut}) placed as it is (--allow-crop): the cut edges will show in the scene");
        return photo;
    }

    /// <summary>
    /// A matte keeps every salient person, so another face that the matte covers would be pasted into the scene too
    /// (a couple, a group, a collage). Faces the matte leaves out (a blurred bystander) do not matter.
    /// </summary>
    static void RefuseOtherPeople(Run run)
    {
        var alpha = run.Matte.Result.Alpha;
        int inMatte = run.OtherFaces.Count(f => MeanAlpha(alpha, f.Box) >= 0.5);
        if (inMatte == 0) return;
        var name = run.Person.Name;
        if (!run.Options.Force)
            throw new ComposeRefusedException(ComposeRefusal.SeveralPeople,
                $"{name}: the photo shows {inMatte + 1} people and the matte keeps them all, so they would all be pasted into the scene; " +
                "crop the photo to the one person, or use a photo of them alone (--force composes it as it is)");
        run.Warnings.Add($"{name}: {inMatte + 1} people are in the matte; composed as it is (--force)");
    }

    static double MeanAlpha(FloatPlane alpha, Likeness.Vision.BoxF box)
    {
        int x0 = Math.Clamp((int)box.X, 0, alpha.Width - 1), x1 = Math.Clamp((int)Math.Ceiling(box.Right), x0 + 1, alpha.Width);
        int y0 = Math.Clamp((int)box.Y, 0, alpha.Height - 1), y1 = Math.Clamp((int)Math.Ceiling(box.Bottom), y0 + 1, alpha.Height);
        double sum = 0;
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++) sum += alpha[x, y];
        return sum / ((x1 - x0) * (y1 - y0));
    }

    (RgbaImage Output, FloatPlane Mask) PlaceInScene(Run run, RgbaImage personImage, RgbaImage sceneImage)
    {
        var matte = run.Matte.Result;
        var layout = LayoutOf(run, personImage);
        var placement = run.Clock.Time("place", () => run.Options.Position is { } pos
            ? PlacementPlanner.Explicit(layout, sceneImage.Width, sceneImage.Height, pos)
            : PlacementPlanner.Auto(layout, sceneImage.Width, sceneImage.Height, run.Options.Placement, SceneBusyness.Columns(sceneImage)));
        run.Placement = new PlacementReport(placement.Method, placement.Position, placement.Reason);
        var composite = run.Clock.Time("composite", () => Compositor.Render(sceneImage, personImage, matte.Alpha, placement, run.Options.Composite));
        run.PersonToOutput = placement.PersonToScene;
        return (composite.Image, composite.PersonMask);
    }

    (RgbaImage Output, FloatPlane Mask) ReplaceBackground(Run run, RgbaImage personImage, BackgroundSpec background)
    {
        var bg = background.Image ?? RgbaImage.Filled(1, 1, background.Color!.Value);
        var alpha = run.Matte.Result.Alpha;
        var output = run.Clock.Time("composite", () => Compositor.ReplaceBackground(personImage, alpha, bg, run.Options.Composite.LinearLight, run.Options.Composite.EdgeColours));
        run.PersonToOutput = AffineTransform.Identity;
        return (output, alpha);
    }

    (RgbaImage Output, FloatPlane Mask) Export(Run run, RgbaImage output, FloatPlane mask, string preset)
    {
        var (w, h) = ExportPresets.Get(preset);
        var focus = run.Face is null ? (System.Numerics.Vector2?)null : run.PersonToOutput.Apply(new(run.Face.Box.CenterX, run.Face.Box.CenterY));
        var crop = ExportPresets.CoverCrop(output.Width, output.Height, w, h, focus);
        var exported = run.Clock.Time("export", () => ExportPresets.Cover(output, w, h, focus));
        var exportedMask = run.Clock.Time("export", () => mask.Crop(crop).Resize(w, h));
        run.PersonToOutput = run.PersonToOutput.Then(AffineTransform.Translation(-crop.X, -crop.Y))
            .Then(AffineTransform.Scaling((double)w / crop.Width, (double)h / crop.Height));
        return (exported, exportedMask);
    }

    /// <summary>No output without a verified person, unless forced (then the problem is a warning).</summary>
    static void RefuseUnverified(Run run)
    {
        if (run.Check is not { Problem: { } problem }) return;
        if (!run.Options.Force)
            throw new ComposeRefusedException(ComposeRefusal.Unverified,
                $"{run.Person.Name}: not written: {problem}. Try a larger --face-width, less --harmonize or another placement (or --force to write it unverified)");
        run.Warnings.Add($"{run.Person.Name}: {problem}; written anyway (--force)");
    }

    ComposeReport BuildReport(Run run, EncodedImage? scene, BackgroundSpec? background, RgbaImage output)
    {
        var matting = run.Matte.Model;
        var models = new Dictionary<string, string> { [matting.ModelName] = engine.Sessions.Sha256Of(matting.ModelName) };
        if (run.Face is not null) models[YuNetDetector.Model] = engine.Sessions.Sha256Of(YuNetDetector.Model);
        if (run.Check?.Similarity is not null) models[engine.Identity.Settings.Model] = engine.Sessions.Sha256Of(engine.Identity.Settings.Model);
        var inputs = new Dictionary<string, string> { ["person"] = run.Person.Sha256 };
        if (scene is not null) inputs["scene"] = scene.Sha256;
        var check = run.Check;
        return new ComposeReport
        {
            Person = run.Person.Name,
            Scene = scene?.Name,
            Background = background?.Description,
            Width = output.Width,
            Height = output.Height,
            Framing = run.Framing?.Name,
            ExtendedBy = run.ExtendedBy,
            Placement = run.Placement,
            FaceWidthFraction = run.Face is null ? null : Math.Round(run.Face.Box.Width * run.PersonToOutput.ScaleFactor / output.Width, 4),
            Verified = check?.Verified == true,
            IdentitySimilarity = check?.Similarity is { } s ? Math.Round(s, 4) : null,
            IdentityThreshold = check?.Similarity is null ? null : engine.Identity.Settings.Threshold,
            IdentityProblem = check?.Problem,
            View = check?.View,
            Yaw = check?.Yaw is { } y ? Math.Round(y, 1) : null,
            MatteCoverage = Math.Round(run.Matte.Result.Coverage, 4),
            MatteFaceAlpha = run.Matte.Opacity?.Face,
            MatteTorsoAlpha = run.Matte.Opacity?.Torso,
            MattingModel = matting.ModelName,
            MattingFallback = run.Matte.Fallback,
            TimingsMs = run.Clock.ToDictionary(),
            Models = models,
            Inputs = inputs,
            Warnings = run.Warnings,
        };
    }

    static Dictionary<string, string> Parameters(Run run)
    {
        var parameters = new Dictionary<string, string>
        {
            ["placement"] = run.Placement?.Position.ToString() ?? "background",
            ["harmonize"] = run.Options.Composite.Harmonize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["export"] = run.Options.Export ?? "scene",
            ["matting"] = run.Matte.Model.ModelName,
            ["framing"] = run.Framing?.Name ?? "unknown",
        };
        if (run.ExtendedBy is not null) parameters["extended-by"] = run.ExtendedBy;
        if (run.Options.AllowCrop) parameters["allow-crop"] = "true";
        if (run.Options.Force) parameters["force"] = "true";
        return parameters;
    }
}
