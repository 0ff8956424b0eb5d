using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;
using Likeness.Pipelines.Generation;
using Likeness.Providers;
using Likeness.Vision.Identity;

namespace Likeness.Pipelines.Themes;

/// <summary>The theme gate's bars.</summary>
public sealed record ThemeRules
{
    /// <summary>The face must stay the input's face: identity similarity to the input photo (much stricter than "same person").</summary>
    public float MinFaceSimilarity { get; init; } = 0.8f;
    /// <summary>Mean absolute colour change inside the mask (0..1): below this the theme was not applied.</summary>
    public double MinChange { get; init; } = 0.04;
}

/// <summary>A themed photo with every attempt, and the masks it was made with.</summary>
public sealed record ThemeResult(Theme Theme, RgbaImage Image, ThemeMaskSet Masks, GatedOutcome Outcome);

/// <summary>
/// Applies a theme: the local engine's masks (face always excluded) and a provider inpaint with the theme's prompt,
/// then the theme gate on the output: one person, the face preserved (identity similarity to the input at least 0.8),
/// the masked region actually changed. Failing outputs are regenerated; none passing fails with every verdict.
/// </summary>
public sealed class ThemeApplication(VisionEngine engine, GatedGenerator generator, ThemeRules? rules = null)
{
    public const string Check = "theme";
    public ThemeRules Rules { get; } = rules ?? new ThemeRules();

    public static string Prompt(Theme theme) =>
        $"The same person in the same photo, now with {theme.Prompt}. Photorealistic, matching the photo's light and perspective; " +
        "keep the face, the expression and everything outside the edited area exactly as they are.";

    public async Task<ThemeResult> ApplyAsync(RgbaImage photo, Theme theme, ThemeMaskSet masks, GenerationContext context, string? route = null,
        IProgress<GatedProgress>? progress = null, CancellationToken ct = default)
    {
        if (masks.Coverage < 0.002)
            throw new LikenessException($"the {theme.Name} theme found nothing to change on this photo ({string.Join(", ", theme.Regions)} not visible); use a photo that shows them");
        var input = await engine.Identity.EmbedFaceAsync(photo, masks.Face, ct);
        int peopleBefore = Significant(await engine.Detector.DetectAsync(photo, ct: ct), masks.Face.Box.Area);
        var maskImage = MaskImage(masks.Combined);
        var request = new GenerationRequest
        {
            Operation = GenerationOperation.Inpaint,
            Prompt = Prompt(theme),
            Image = MediaInput.FromBytes(ImageCodec.Encode(photo, ImageFormat.Png)),
            Mask = MediaInput.FromBytes(ImageCodec.Encode(maskImage, ImageFormat.Png)),
            Width = photo.Width,
            Height = photo.Height,
            Route = route,
        };
        var gated = new GatedRequest($"theme {theme.Id}", request, new GateExpectation(null, GateFraming.Any), IdentityTemplate.FromEmbeddings([input]))
        {
            Judge = async (output, token) => (await JudgeAsync(output, photo, masks, input, peopleBefore, token), output.Width == photo.Width && output.Height == photo.Height ? output : output.Resize(photo.Width, photo.Height)),
        };
        var outcome = await generator.RunAsync(gated, context, progress, ct);
        return new ThemeResult(theme, outcome.Image, masks, outcome);
    }

    /// <summary>White where the provider may paint, black elsewhere (the inpaint models' convention).</summary>
    public static RgbaImage MaskImage(FloatPlane mask)
    {
        var image = new RgbaImage(mask.Width, mask.Height);
        var pixels = image.Pixels;
        for (int i = 0; i < mask.Data.Length; i++)
        {
            byte v = (byte)Math.Clamp(MathF.Round(mask.Data[i] * 255), 0, 255);
            pixels[i] = new Rgba32(v, v, v);
        }
        return image;
    }

    public async Task<GateVerdict> JudgeAsync(RgbaImage output, RgbaImage photo, ThemeMaskSet masks, FaceEmbedding input, int peopleBefore, CancellationToken ct)
    {
        var findings = new List<GateFinding> { new(GateChecks.Answer, true, $"{output.Width}x{output.Height}") };
        var verdict = new GateVerdict(findings) { Width = output.Width, Height = output.Height };
        double inputAspect = (double)photo.Width / photo.Height, outputAspect = (double)output.Width / output.Height;
        if (Math.Abs(Math.Log(inputAspect / outputAspect)) > 0.02)
        {
            findings.Add(new(Check, false, $"aspect {outputAspect:0.00}", $"the output is reframed ({output.Width}x{output.Height} for a {photo.Width}x{photo.Height} photo): a theme edits the photo, it does not recompose it"));
            return verdict;
        }
        var aligned = output.Width == photo.Width && output.Height == photo.Height ? output : output.Resize(photo.Width, photo.Height);
        var faces = await engine.Detector.DetectAsync(aligned, ct: ct);
        verdict = verdict with { Faces = faces.Count };
        if (faces.Count == 0)
        {
            findings.Add(new(GateChecks.OneFace, false, "0 faces", "no face in the output: the face must stay as it was"));
            return verdict;
        }
        var face = faces.OrderBy(f => Math.Abs(f.Box.CenterX - masks.Face.Box.CenterX) + Math.Abs(f.Box.CenterY - masks.Face.Box.CenterY)).First();
        // Other people already in the photo stay: the theme must neither add anyone nor paint anyone out.
        int before = peopleBefore, after = Significant(faces, face.Box.Area);
        findings.Add(after != before
            ? new(GateChecks.OneFace, false, $"{after} people, {before} in the input",
                $"{after} people in the output where the photo had {before}; the theme must not add or remove anyone")
            : new(GateChecks.OneFace, true, after == 1 ? "1 face" : $"{after} people, as in the input"));

        float similarity = input.CosineSimilarity(await engine.Identity.EmbedFaceAsync(aligned, face, ct));
        verdict = verdict with { Similarity = similarity, Threshold = Rules.MinFaceSimilarity };
        findings.Add(similarity >= Rules.MinFaceSimilarity
            ? new(GateChecks.Identity, true, $"face similarity to the input {similarity:0.000} >= {Rules.MinFaceSimilarity:0.00}")
            : new(GateChecks.Identity, false, $"face similarity to the input {similarity:0.000} < {Rules.MinFaceSimilarity:0.00}",
                $"the face changed: similarity to the input photo {similarity:0.00} is below {Rules.MinFaceSimilarity:0.00}"));

        double change = MaskedChange(photo, aligned, masks.Combined);
        findings.Add(change >= Rules.MinChange
            ? new(Check, true, $"mean change in the mask {change:0.000}")
            : new(Check, false, $"mean change in the mask {change:0.000}", $"the masked region is unchanged (mean change {change:0.000} < {Rules.MinChange:0.000}): the theme was not applied"));
        return verdict;
    }

    static int Significant(IReadOnlyList<Vision.Faces.DetectedFace> faces, float mainArea) => Math.Max(1, faces.Count(f => f.Box.Area >= 0.25f * mainArea));

    /// <summary>Mean absolute RGB difference (0..1), weighted by the mask.</summary>
    public static double MaskedChange(RgbaImage before, RgbaImage after, FloatPlane mask)
    {
        double sum = 0, weight = 0;
        var a = before.Pixels;
        var b = after.Pixels;
        for (int i = 0; i < mask.Data.Length; i++)
        {
            float w = mask.Data[i];
            if (w <= 0) continue;
            sum += w * (Math.Abs(a[i].R - b[i].R) + Math.Abs(a[i].G - b[i].G) + Math.Abs(a[i].B - b[i].B)) / (3 * 255.0);
            weight += w;
        }
        return weight > 0 ? sum / weight : 0;
    }
}
