using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Color;
using Likeness.Imaging.Transforms;
using Likeness.Pipelines.Check;
using Likeness.Pipelines.Views;
using Likeness.Providers;
using Likeness.Vision.Faces;
using Likeness.Vision.Faces.Alignment;
using Likeness.Vision.Faces.Pose;
using Likeness.Vision.Identity;
using Likeness.Vision.Pose;
using Likeness.Vision.Pose.Templates;

namespace Likeness.Pipelines.Generation;

/// <summary>
/// Judges one provider output with the local engine: an answer at all, image quality (not blank, not a
/// placeholder, sharp, exposed), exactly one dominant face, the identity at the calibrated threshold, the view
/// (mirrored results named as such) and the framing. Every check is reported with what it measured.
/// </summary>
public sealed class GenerationGate(VisionEngine engine, GateRules? rules = null)
{
    public GateRules Rules { get; } = rules ?? new GateRules();
    // The same extraction the pose templates were made with (thunder, crop around the person, widened over cut limbs):
    // a pose is compared with what that pipeline sees, not with a coarser whole-frame estimate.
    Poses.PoseExtraction? _bodyPose;

    /// <summary>A provider call that produced no image (safety block, empty answer): a failed verdict with the provider's reason.</summary>
    public static GateVerdict NoImage(FailureKind kind, string reason) =>
        new([new GateFinding(GateChecks.Answer, false, kind.ToString(), kind switch
        {
            FailureKind.SafetyBlock or FailureKind.BlockedPrompt => $"the provider blocked the request: {reason}",
            FailureKind.EmptyResponse => $"the provider answered without an image: {reason}",
            _ => reason,
        })]);

    /// <summary>An output that is not a readable image.</summary>
    public static GateVerdict Unreadable(int length, string reason) =>
        new([new GateFinding(GateChecks.Answer, false, $"{length} bytes", $"the output is not a readable image: {reason}")]);

    public async Task<GateVerdict> JudgeAsync(byte[]? output, GateExpectation expect, IdentityTemplate identity, CancellationToken ct = default)
    {
        if (output is null || output.Length == 0) return NoImage(FailureKind.EmptyResponse, "0 bytes");
        RgbaImage image;
        try { image = ImageCodec.Decode(output, "generated image"); }
        catch (ImageDecodeException e) { return Unreadable(output.Length, e.Reason); }
        return await JudgeAsync(image, expect, identity, ct);
    }

    public async Task<GateVerdict> JudgeAsync(RgbaImage image, GateExpectation expect, IdentityTemplate identity, CancellationToken ct = default)
    {
        var findings = new List<GateFinding> { new(GateChecks.Answer, true, $"{image.Width}x{image.Height}") };
        var verdict = new GateVerdict(findings) { Width = image.Width, Height = image.Height };

        var blank = BlankOrPlaceholder(image);
        if (blank is not null)
        {
            findings.Add(new(GateChecks.Quality, false, blank.Value.Measured, blank.Value.Reason));
            return verdict;
        }

        var faces = await engine.Detector.DetectAsync(image, ct: ct);
        verdict = verdict with { Faces = faces.Count };
        if (faces.Count == 0)
        {
            findings.Add(new(GateChecks.OneFace, false, "0 faces", "no face in the image"));
            return verdict;
        }
        var face = faces[0];
        if (faces.Count > 1 && faces[1].Box.Area >= Rules.SecondFaceRatio * face.Box.Area)
            findings.Add(new(GateChecks.OneFace, false, $"{faces.Count} faces, second {faces[1].Box.Area / face.Box.Area:P0} of the first",
                $"{faces.Count} people in the image; exactly one is wanted"));
        else
            findings.Add(new(GateChecks.OneFace, true, faces.Count == 1 ? "1 face" : $"1 dominant face of {faces.Count}"));

        var aligned = FaceAligner.Align(image, face).Image;
        double sharpness = PhotoCheckPipeline.ContrastNormalisedSharpness(aligned);
        var (mean, dark, bright) = PhotoCheckPipeline.Exposure(aligned);
        verdict = verdict with { Sharpness = Math.Round(sharpness, 4), MeanLuma = Math.Round(mean, 3) };
        // A face narrower than the aligned crop is upsampled into it, which softens it: the bar scales with the face's
        // own width, so a sharp full-body photo (a 44 px face) is not called blurry for being small.
        double sharpnessBar = Rules.MinSharpness * Math.Min(1, face.Box.Width / aligned.Width);
        findings.Add(Quality(sharpness, sharpnessBar, mean, dark, bright));

        var comparison = engine.Identity.Compare(identity, await engine.Identity.EmbedFaceAsync(image, face, ct));
        verdict = verdict with { Similarity = comparison.Similarity, Threshold = comparison.Threshold };
        findings.Add(comparison.IsSame
            ? new(GateChecks.Identity, true, $"similarity {comparison.Similarity:0.000} >= {comparison.Threshold:0.000}")
            : new(GateChecks.Identity, false, $"similarity {comparison.Similarity:0.000} < {comparison.Threshold:0.000}",
                $"another person: identity similarity {comparison.Similarity:0.00} is below the calibrated {comparison.Threshold:0.00}"));

        var pose = await engine.HeadPoseAsync(image, face, ct);
        var (viewFinding, mirrored) = ViewFinding(pose, expect);
        verdict = verdict with { Yaw = MathF.Round(pose.Yaw, 1), Pitch = MathF.Round(pose.Pitch, 1), MeasuredView = pose.View, Mirrored = mirrored };
        if (viewFinding is not null) findings.Add(viewFinding);

        double faceHeight = face.Box.Height * (1 + ViewsPipeline.SkullAboveBox);
        double heightFraction = faceHeight / image.Height, widthFraction = face.Box.Width / image.Width;
        verdict = verdict with { FaceHeightFraction = Math.Round(heightFraction, 3), FaceWidthFraction = Math.Round(widthFraction, 3) };
        if (Framing(expect, heightFraction, widthFraction, (image.Height - face.Box.Bottom) / faceHeight) is { } framing)
            findings.Add(framing);
        if (expect.Pose is { } wanted)
        {
            var (finding, match, poseMirrored) = await BodyPoseFindingAsync(image, wanted, ct);
            findings.Add(finding);
            verdict = verdict with { PoseMatch = match, PoseMirrored = poseMirrored };
        }
        return verdict;
    }

    /// <summary>
    /// Extracts the body pose of the output's main person
    /// and compares it with the template: overall similarity, worst body part, and whether it is the mirror image.
    /// </summary>
    async Task<(GateFinding, PoseMatch, bool)> BodyPoseFindingAsync(RgbaImage image, PoseTemplate wanted, CancellationToken ct)
    {
        _bodyPose ??= new Poses.PoseExtraction(engine, await PoseEstimators.MostPreciseAsync(engine.Sessions, null, ct));
        var body = (await _bodyPose.ExtractAsync(image, new Poses.PoseExtractionRequest { Id = "output" }, ct))[0].Pose;
        var match = PoseSimilarity.Compare(wanted, body);
        var mirroredMatch = PoseSimilarity.Compare(wanted.Mirrored(), body);
        bool mirrored = mirroredMatch.Score >= Rules.MinPoseSimilarity && mirroredMatch.Score > match.Score + 0.1f;
        string measured = $"{match} (mirror image {mirroredMatch.Score:0.00})";
        if (mirrored)
            return (new(GateChecks.BodyPose, false, measured, $"mirrored pose: the body shows the mirror image of '{wanted.Id}' (similarity {mirroredMatch.Score:0.00} " +
                $"to the mirror, {match.Score:0.00} to the pose): left and right limbs are swapped"), match, true);
        if (match.Score < Rules.MinPoseSimilarity)
            return (new(GateChecks.BodyPose, false, measured, $"wrong pose: similarity to '{wanted.Id}' is {match.Score:0.00} < {Rules.MinPoseSimilarity:0.00} " +
                $"(worst: {match.WorstPartName} {match.WorstPart:0.00})"), match, false);
        if (match.WorstPart < Rules.MinPosePart)
            return (new(GateChecks.BodyPose, false, measured, $"wrong pose: the {match.WorstPartName} is not where '{wanted.Id}' puts it " +
                $"(part similarity {match.WorstPart:0.00} < {Rules.MinPosePart:0.00})"), match, false);
        return (new(GateChecks.BodyPose, true, measured), match, false);
    }

    (string Measured, string Reason)? BlankOrPlaceholder(RgbaImage image)
    {
        var gray = image.ToGray();
        double mean = gray.Data.Average(), deviation = Math.Sqrt(gray.Data.Average(v => (v - mean) * (v - mean)));
        if (deviation < Rules.MinLumaDeviation)
            return ($"luma deviation {deviation:0.000}", $"the image is blank (one flat tone, luma deviation {deviation:0.000} < {Rules.MinLumaDeviation:0.000})");
        if (Math.Min(image.Width, image.Height) < Rules.MinSide)
            return ($"{image.Width}x{image.Height}", $"a {image.Width}x{image.Height} image is a provider placeholder or thumbnail, not a generated picture (shorter side < {Rules.MinSide})");
        int colours = DistinctColours(image);
        if (colours < Rules.MinDistinctColours)
            return ($"{colours} colours", $"the image looks like a provider placeholder graphic ({colours} distinct colours)");
        return null;
    }

    static int DistinctColours(RgbaImage image)
    {
        var small = image.Resize(64, 64, ResizeMethod.Area);
        var seen = new HashSet<int>();
        for (int y = 0; y < small.Height; y++)
            for (int x = 0; x < small.Width; x++)
            {
                var p = small[x, y];
                seen.Add((p.R >> 3) << 10 | (p.G >> 3) << 5 | p.B >> 3); // 5 bits per channel: JPEG noise does not count
            }
        return seen.Count;
    }

    GateFinding Quality(double sharpness, double sharpnessBar, double mean, double dark, double bright)
    {
        string measured = $"sharpness {sharpness:0.000}, exposure {mean:0.00}";
        if (sharpness < sharpnessBar) return new(GateChecks.Quality, false, measured, $"the face is blurry (sharpness {sharpness:0.000} < {sharpnessBar:0.000})");
        if (mean < Rules.MinMeanLuma || dark > Rules.MaxClipped) return new(GateChecks.Quality, false, measured, $"the face is too dark (mean luma {mean:0.00})");
        if (mean > Rules.MaxMeanLuma || bright > Rules.MaxClipped) return new(GateChecks.Quality, false, measured, $"the face is overexposed (mean luma {mean:0.00})");
        return new(GateChecks.Quality, true, measured);
    }

    static (GateFinding? Finding, bool Mirrored) ViewFinding(HeadPose pose, GateExpectation expect)
    {
        string measured = $"yaw {pose.Yaw:+0.0;-0.0} ({pose.View})";
        if (expect.MatchYaw is { } target)
        {
            float diff = MathF.Abs(pose.Yaw - target);
            if (diff <= expect.YawTolerance) return (new(GateChecks.View, true, measured), false);
            bool opposite = MathF.Abs(target) >= FaceViews.FrontMaxYaw && MathF.Abs(pose.Yaw) >= FaceViews.FrontMaxYaw && MathF.Sign(target) != MathF.Sign(pose.Yaw);
            return opposite
                ? (new(GateChecks.Mirrored, false, measured, $"mirrored: the nose points toward the {Edge(pose.Yaw)} edge (yaw {pose.Yaw:+0;-0}), the reference points it toward the {Edge(target)} edge (yaw {target:+0;-0})"), true)
                : (new(GateChecks.View, false, measured, $"yaw {pose.Yaw:+0;-0} is {diff:0} degrees from the reference's {target:+0;-0} (tolerance {expect.YawTolerance:0})"), false);
        }
        if (expect.View is not { } wanted) return (null, false);
        if (pose.View == wanted) return (new(GateChecks.View, true, measured), false);
        if (wanted != FaceView.Front && pose.View != FaceView.Front && (pose.Yaw > 0) != IsRight(wanted))
            return (new(GateChecks.Mirrored, false, measured, $"mirrored: {wanted} needs the nose toward the {(IsRight(wanted) ? "RIGHT" : "LEFT")} edge; it points toward the {Edge(pose.Yaw)} edge (yaw {pose.Yaw:+0;-0})"), true);
        return (new(GateChecks.View, false, measured, $"wrong view: {pose.View} (yaw {pose.Yaw:+0;-0}) instead of {wanted}"), false);
    }

    static bool IsRight(FaceView view) => view is FaceView.ThreeQuarterRight or FaceView.ProfileRight;
    static string Edge(float yaw) => yaw > 0 ? "RIGHT" : "LEFT";

    GateFinding? Framing(GateExpectation expect, double heightFraction, double widthFraction, double belowChin) => expect.Framing switch
    {
        GateFraming.View when heightFraction < Rules.ViewMinFaceHeight => new(GateChecks.Framing, false, $"face {heightFraction:P0} of height",
            $"the face is too small: {heightFraction:P0} of the frame height (wanted {Rules.ViewMinFaceHeight:P0}-{Rules.ViewMaxFaceHeight:P0})"),
        GateFraming.View when heightFraction > Rules.ViewMaxFaceHeight => new(GateChecks.Framing, false, $"face {heightFraction:P0} of height",
            $"the face is too large: {heightFraction:P0} of the frame height (wanted {Rules.ViewMinFaceHeight:P0}-{Rules.ViewMaxFaceHeight:P0})"),
        GateFraming.View => new(GateChecks.Framing, true, $"face {heightFraction:P0} of height"),
        GateFraming.Cinematic when widthFraction < Rules.CinematicMinFaceWidth => new(GateChecks.Framing, false, $"face {widthFraction:P0} of width",
            $"the face is too small: {widthFraction:P0} of the frame width (wanted {Rules.CinematicMinFaceWidth:P0}-{Rules.CinematicMaxFaceWidth:P0})"),
        GateFraming.Cinematic when widthFraction > Rules.CinematicMaxFaceWidth => new(GateChecks.Framing, false, $"face {widthFraction:P0} of width",
            $"the face is too large: {widthFraction:P0} of the frame width (wanted {Rules.CinematicMinFaceWidth:P0}-{Rules.CinematicMaxFaceWidth:P0})"),
        GateFraming.Cinematic when belowChin < Rules.WaistUpBelowChin => new(GateChecks.Framing, false, $"{belowChin:0.0} face heights below the chin",
            $"not waist-up: the frame ends {belowChin:0.0} face heights below the chin (wanted at least {Rules.WaistUpBelowChin:0.0})"),
        GateFraming.Cinematic => new(GateChecks.Framing, true, $"face {widthFraction:P0} of width, {belowChin:0.0} face heights below the chin"),
        _ when expect.MinFaceWidth is { } min && widthFraction < min => new(GateChecks.Framing, false, $"face {widthFraction:P0} of width",
            $"the face is too small to keep the likeness: {widthFraction:P0} of the frame width (at least {min:P0})"),
        _ when expect.MinFaceWidth is not null => new(GateChecks.Framing, true, $"face {widthFraction:P0} of width"),
        _ => null,
    };
}
