using Likeness.Compositing;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;
using Likeness.Vision.Faces.Detection;

namespace Likeness.Pipelines.Compose;

public sealed record ComposeResult(RgbaImage Image, FloatPlane PersonMask, ComposeReport Report, ProvenanceRecord Provenance, string? Prompt);

/// <summary>
/// `likeness compose`: matte the person, place them in the scene (or replace their background), harmonise,
/// shadow, export, and check that the face in the output is still theirs.
/// </summary>
public sealed class ComposePipeline(VisionEngine engine)
{
    public async Task<ComposeResult> ComposeAsync(EncodedImage person, EncodedImage? scene, BackgroundSpec? background,
        ComposeOptions options, IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        if ((scene is null) == (background is null))
            throw new LikenessException("compose needs exactly one of a scene (--scene) or a background (--background)");
        var clock = new StageClock();
        void Report(string stage, double f) => progress?.Report(new PipelineProgress(person.Name, stage, f));

        Report("decode", 0);
        var personImage = clock.Time("decode", () => person.Decode());
        var sceneImage = scene is null ? null : clock.Time("decode", () => scene.Decode());
        ct.ThrowIfCancellationRequested();

        Report("matte", 0.1);
        var matting = engine.Matting(options.Matting);
        var matte = await clock.TimeAsync("matte", () => matting.MatteAsync(personImage, ct));
        if (matte.PersonBounds is null)
            throw new LikenessException($"{person.Name}: no person found in the photo: use a photo where the person is clearly visible against the background");

        Report("detect", 0.6);
        var face = await clock.TimeAsync("detect", () => engine.DominantFaceAsync(personImage, ct));
        var warnings = new List<string>();
        if (face is null) warnings.Add($"{person.Name}: no face found; placed by the body outline only and the identity check was skipped");

        RgbaImage output;
        FloatPlane mask;
        PlacementReport? placementReport = null;
        AffineTransform personToOutput;
        if (sceneImage is not null)
        {
            var layout = new PersonLayout(personImage.Width, personImage.Height, matte.PersonBounds.Value, face?.Box, matte.TouchesBottomEdge);
            var placement = clock.Time("place", () => options.Position is { } pos
                ? PlacementPlanner.Explicit(layout, sceneImage.Width, sceneImage.Height, pos)
                : PlacementPlanner.Auto(layout, sceneImage.Width, sceneImage.Height, options.Placement, SceneBusyness.Columns(sceneImage)));
            placementReport = new PlacementReport(placement.Method, placement.Position, placement.Reason);
            Report("composite", 0.7);
            var composite = clock.Time("composite", () => Compositor.Render(sceneImage, personImage, matte.Alpha, placement, options.Composite));
            (output, mask, personToOutput) = (composite.Image, composite.PersonMask, placement.PersonToScene);
        }
        else
        {
            var bg = background!.Image ?? RgbaImage.Filled(1, 1, background.Color!.Value);
            output = clock.Time("composite", () => Compositor.ReplaceBackground(personImage, matte.Alpha, bg, options.Composite.LinearLight));
            (mask, personToOutput) = (matte.Alpha, AffineTransform.Identity);
        }

        if (options.Export is { } preset)
        {
            var (w, h) = ExportPresets.Get(preset);
            var focus = face is null ? (System.Numerics.Vector2?)null : personToOutput.Apply(new(face.Box.CenterX, face.Box.CenterY));
            var crop = ExportPresets.CoverCrop(output.Width, output.Height, w, h, focus);
            output = clock.Time("export", () => ExportPresets.Cover(output, w, h, focus));
            mask = clock.Time("export", () => mask.Crop(crop).Resize(w, h));
            personToOutput = personToOutput.Then(AffineTransform.Translation(-crop.X, -crop.Y))
                .Then(AffineTransform.Scaling((double)w / crop.Width, (double)h / crop.Height));
        }

        Report("check", 0.85);
        var check = face is null || !options.CheckIdentity
            ? null
            : await clock.TimeAsync("check", () => CheckOutputAsync(personImage, output, personToOutput, face, ct));
        if (check?.Problem is { } problem) warnings.Add(problem);

        var models = new Dictionary<string, string> { [matting.ModelName] = engine.Sessions.Sha256Of(matting.ModelName) };
        if (face is not null) models[YuNetDetector.Model] = engine.Sessions.Sha256Of(YuNetDetector.Model);
        if (check?.Similarity is not null) models[engine.Identity.Settings.Model] = engine.Sessions.Sha256Of(engine.Identity.Settings.Model);
        var inputs = new Dictionary<string, string> { ["person"] = person.Sha256 };
        if (scene is not null) inputs["scene"] = scene.Sha256;

        var report = new ComposeReport
        {
            Person = person.Name,
            Scene = scene?.Name,
            Background = background?.Description,
            Width = output.Width,
            Height = output.Height,
            Placement = placementReport,
            FaceWidthFraction = face is null ? null : Math.Round(face.Box.Width * personToOutput.ScaleFactor / output.Width, 4),
            IdentitySimilarity = check?.Similarity is { } s ? Math.Round(s, 4) : null,
            IdentityThreshold = check?.Similarity is null ? null : engine.Identity.Settings.Threshold,
            IdentityProblem = check?.Problem,
            View = check?.View,
            Yaw = check?.Yaw is { } y ? Math.Round(y, 1) : null,
            MatteCoverage = Math.Round(matte.Coverage, 4),
            MattingModel = matting.ModelName,
            TimingsMs = clock.ToDictionary(),
            Models = models,
            Inputs = inputs,
            Warnings = warnings,
        };
        var parameters = new Dictionary<string, string>
        {
            ["placement"] = placementReport?.Position.ToString() ?? "background",
            ["harmonize"] = options.Composite.Harmonize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["export"] = options.Export ?? "scene",
            ["matting"] = options.Matting,
        };
        var provenance = ProvenanceRecord.Create("compose", inputs, models, parameters);
        string? prompt = options.Mode == ComposeMode.Mask ? InpaintPrompt.For(report) : null;
        Report("done", 1);
        return new ComposeResult(output, mask, report, provenance, prompt);
    }

    sealed record OutputCheck(float? Similarity, string? View, float? Yaw, string? Problem);

    /// <summary>Finds the person's face in the output (where the placement put it) and compares identities.</summary>
    async Task<OutputCheck> CheckOutputAsync(RgbaImage personImage, RgbaImage output, AffineTransform personToOutput,
        Likeness.Vision.Faces.DetectedFace face, CancellationToken ct)
    {
        var expected = personToOutput.Apply(new(face.Box.CenterX, face.Box.CenterY));
        var faces = await engine.Detector.DetectAsync(output, ct: ct);
        var found = faces.OrderBy(f => System.Numerics.Vector2.Distance(new(f.Box.CenterX, f.Box.CenterY), expected)).FirstOrDefault();
        if (found is null || System.Numerics.Vector2.Distance(new(found.Box.CenterX, found.Box.CenterY), expected) > Math.Max(found.Box.Width, 8))
            return new OutputCheck(null, null, null, "the person's face was not found in the output (it may be cut off or too small): check the placement");
        var pose = await engine.HeadPoseAsync(output, found, ct);
        var a = await engine.Identity.EmbedFaceAsync(personImage, face, ct);
        var b = await engine.Identity.EmbedFaceAsync(output, found, ct);
        var sim = a.CosineSimilarity(b);
        string? problem = sim < engine.Identity.Settings.Threshold
            ? $"the face in the output no longer matches the person (similarity {sim:0.00} < {engine.Identity.Settings.Threshold:0.00}): try a larger --face-width or less --harmonize"
            : null;
        return new OutputCheck(sim, pose.View.ToString(), pose.Yaw, problem);
    }
}
