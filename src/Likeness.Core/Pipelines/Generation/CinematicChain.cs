using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Providers;
using Likeness.Vision.Identity;

namespace Likeness.Pipelines.Generation;

/// <summary>One finished step of the cinematic chain: its gated image (or the description text) and every attempt.</summary>
public sealed record CinematicStep(string Name, RgbaImage? Image, string? Text, IReadOnlyList<GenerationAttempt> Attempts)
{
    public GenerationAttempt? Winner => Attempts.LastOrDefault(a => a.Passed);
}

/// <summary>Where the chain is: step n of 3.</summary>
public sealed record CinematicProgress(int Step, string Name, GatedProgress? Attempt);

/// <summary>
/// The cinematic identity chain, each step gated: (1) a movie-still of the person, waist-up, face 15-25 % of the
/// width; (2) a matched portrait at the same head angle, lighting, clothing and expression (yaw within the gate's
/// tolerance of step 1); (3) a description of step 1 for recreation that leaves the face out, and the final image
/// regenerated from that description plus the references. A step that fails stops the chain with its verdicts.
/// </summary>
public sealed class CinematicChain(GatedGenerator generator, IGenerationService service, string? route = null)
{
    public const string StillPrompt =
        "A cinematic movie still of the person in the reference photos: a film scene with dramatic, motivated lighting and shallow depth of field, " +
        "shot waist-up so the waist is inside the frame, the face about one fifth of the image width, the person alone, natural expression, " +
        "photorealistic 35mm film look, no text, no captions, no watermark.";

    public const string PortraitPrompt =
        "A portrait photograph of the same person as in the reference photos, as they appear in the first image: the same head angle and gaze " +
        "direction, the same lighting, the same clothing and the same expression; head and shoulders, photorealistic, no text.";

    /// <summary>Scene, not face: the face comes from the references, so the description must not compete with them.</summary>
    public const string RecreationPrompt =
        "Describe this image so that it can be recreated with a different photo of the same person. Cover: the scene and setting, the lighting " +
        "(direction, quality, colour temperature), the camera (shot size, angle, lens, depth of field), the clothing, the pose and body position, " +
        "the head direction in image terms (which edge of the image the nose points toward), the expression, the colour palette and the mood. " +
        "Do NOT describe the face itself: no facial features, face shape, eye colour, skin, age, ethnicity or hair colour. Answer in one paragraph.";

    public static string FinalPrompt(string description) =>
        "Recreate this scene as a photorealistic cinematic movie still of the person in the reference photos, their face exactly as in the references: " +
        description.Trim() + " Waist-up, the face about one fifth of the image width, the person alone, no text, no watermark.";

    public async Task<IReadOnlyList<CinematicStep>> RunAsync(IReadOnlyList<MediaInput> references, IdentityTemplate identity, GenerationContext context,
        IProgress<CinematicProgress>? progress = null, CancellationToken ct = default)
    {
        var steps = new List<CinematicStep>();
        IProgress<GatedProgress> Forward(int step, string name) => new ForwardProgress<GatedProgress>(p => progress?.Report(new CinematicProgress(step, name, p)));
        async Task<CinematicStep> Step(int number, Func<Task<CinematicStep>> run)
        {
            try
            {
                var step = await run();
                steps.Add(step);
                return step;
            }
            catch (GenerationFailedException e)
            {
                steps.Add(new CinematicStep(number switch { 1 => "still", 2 => "matched portrait", _ => "final" }, null, null, e.Attempts));
                throw new CinematicChainFailedException(number, e, steps);
            }
        }

        var still = await Step(1, () => StillAsync(references, identity, context, Forward(1, "still"), ct));
        await Step(2, () => PortraitAsync(still.Image!, still.Winner!.Verdict.Yaw ?? 0, references, identity, context, Forward(2, "matched portrait"), ct));
        progress?.Report(new CinematicProgress(3, "describe", null));
        var description = await Step(3, () => DescribeAsync(still.Image!, context, ct));
        await Step(3, () => FinalAsync(description.Text!, references, identity, context, Forward(3, "final"), ct));
        return steps;
    }

    /// <summary>Step 1: the movie still.</summary>
    public async Task<CinematicStep> StillAsync(IReadOnlyList<MediaInput> references, IdentityTemplate identity, GenerationContext context,
        IProgress<GatedProgress>? progress = null, CancellationToken ct = default)
    {
        var outcome = await generator.RunAsync(new GatedRequest("step 1 (cinematic still)",
            Request(GenerationOperation.TextToImage, StillPrompt), GateExpectation.Cinematic(), identity) { References = references }, context, progress, ct);
        return new CinematicStep("still", outcome.Image, null, outcome.Attempts);
    }

    /// <summary>Step 2: the portrait matched to the still (yaw within the gate's tolerance of <paramref name="stillYaw"/>).</summary>
    public async Task<CinematicStep> PortraitAsync(RgbaImage still, float stillYaw, IReadOnlyList<MediaInput> references, IdentityTemplate identity,
        GenerationContext context, IProgress<GatedProgress>? progress = null, CancellationToken ct = default)
    {
        var outcome = await generator.RunAsync(new GatedRequest("step 2 (matched portrait)",
            Request(GenerationOperation.ImageEdit, PortraitPrompt) with { Image = Png(still) },
            GateExpectation.MatchingYaw(stillYaw, GateFraming.Any), identity) { References = references }, context, progress, ct);
        return new CinematicStep("matched portrait", outcome.Image, null, outcome.Attempts);
    }

    /// <summary>Step 3a: the still described for recreation, without the face.</summary>
    public async Task<CinematicStep> DescribeAsync(RgbaImage still, GenerationContext context, CancellationToken ct = default)
    {
        var described = await service.RunAsync(Request(GenerationOperation.DescribeImage, RecreationPrompt) with { Image = Png(still) }, context, ct);
        var description = described.Text?.Trim();
        if (string.IsNullOrEmpty(description))
            throw new GenerationFailedException("step 3 (describe for recreation)", $"{described.Provider} returned no description", []);
        return new CinematicStep("description", null, description, []);
    }

    /// <summary>Step 3b: the still recreated from the description and the references.</summary>
    public async Task<CinematicStep> FinalAsync(string description, IReadOnlyList<MediaInput> references, IdentityTemplate identity, GenerationContext context,
        IProgress<GatedProgress>? progress = null, CancellationToken ct = default)
    {
        var outcome = await generator.RunAsync(new GatedRequest("step 3 (recreated still)",
            Request(GenerationOperation.TextToImage, FinalPrompt(description)), GateExpectation.Cinematic(), identity) { References = references }, context, progress, ct);
        return new CinematicStep("final", outcome.Image, null, outcome.Attempts);
    }

    GenerationRequest Request(GenerationOperation operation, string prompt) =>
        new() { Operation = operation, Prompt = prompt, Route = route, Width = 1536, Height = 1024 };

    static MediaInput Png(RgbaImage image) => MediaInput.FromBytes(ImageCodec.Encode(image, ImageFormat.Png, new EncodeOptions { FastPngCompression = true }));
}

/// <summary>A step of the chain failed after its attempts; the steps done before it are kept.</summary>
public sealed class CinematicChainFailedException(int step, GenerationFailedException inner, IReadOnlyList<CinematicStep> steps)
    : LikenessException(inner.Message, inner)
{
    public int Step { get; } = step;
    public IReadOnlyList<CinematicStep> Steps { get; } = steps;
}
