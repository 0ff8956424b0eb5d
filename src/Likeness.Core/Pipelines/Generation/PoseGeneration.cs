using System.Runtime.CompilerServices;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Providers;
using Likeness.Vision.Identity;
using Likeness.Vision.Pose.Templates;

namespace Likeness.Pipelines.Generation;

/// <summary>One pose to generate the person in; <see cref="Mirror"/> asks for the pose's mirror image.</summary>
public sealed record PoseJob(PoseTemplate Pose, string Prompt, bool Mirror = false)
{
    public PoseTemplate Effective => Mirror ? Pose.Mirrored() : Pose;
}

/// <summary>What the person's likeness travels with: reference photos (for routes that take them) and/or an identity LoRA.</summary>
public sealed record PoseIdentity(IdentityTemplate Template, IReadOnlyList<MediaInput> References, LoraWeight? Lora, string? TriggerWord = null);

/// <summary>One pose's outcome: the gated image, or every failed attempt.</summary>
public sealed record PoseResult(PoseTemplate Pose, RgbaImage? Image, IReadOnlyList<GenerationAttempt> Attempts, string? Failure)
{
    public GenerationAttempt? Winner => Attempts.LastOrDefault(a => a.Passed);
}

/// <summary>
/// Pose-conditioned generation (avatars in poses): each pose's OpenPose control image goes to a pose-control route
/// with the prompt and the identity's LoRA; every output is gated on the likeness (one person, identity, face large
/// enough) and on the pose itself, re-extracted from the output and compared with the template (similarity, worst
/// body part, mirror image). Failing outputs are regenerated with corrections that name the limb in image terms.
/// </summary>
public sealed class PoseGeneration(GatedGenerator generator)
{
    /// <summary>A full-body face is small; below this share of the width the identity cannot be checked reliably.</summary>
    public const double MinFaceWidth = 0.05;
    public const int DefaultLongSide = 1024;

    public static string Prompt(string subject, string? triggerWord) =>
        $"A photorealistic photo of {(triggerWord is { Length: > 0 } t ? t + ", " : "")}the person from the reference photos: {subject.Trim().TrimEnd('.')}. " +
        "The person stands exactly in the pose of the control skeleton, whole body inside the frame, face clearly visible, alone, no text, no watermark.";

    public static GatedRequest Build(PoseJob job, PoseIdentity identity, int longSide = DefaultLongSide, string? route = null)
    {
        var pose = job.Effective;
        var (w, h) = PoseControlImage.SizeFor(pose, longSide);
        (w, h) = (w / 16 * 16, h / 16 * 16); // FLUX works on 16-pixel blocks
        var control = ImageCodec.Encode(PoseControlImage.Render(pose, w, h), ImageFormat.Png);
        var request = new GenerationRequest
        {
            Operation = GenerationOperation.PoseControl,
            Prompt = Prompt(job.Prompt, identity.TriggerWord),
            ControlImage = MediaInput.FromBytes(control),
            Width = w,
            Height = h,
            Loras = identity.Lora is { } lora ? [lora] : [],
            Route = route,
        };
        return new GatedRequest($"pose {pose.Id}", request, GateExpectation.ForPose(pose, MinFaceWidth), identity.Template) { References = identity.References };
    }

    /// <summary>One gated image per pose, in order; a pose that never passes is reported, and the batch goes on.</summary>
    public async IAsyncEnumerable<PoseResult> RunAsync(IReadOnlyList<PoseJob> jobs, PoseIdentity identity, GenerationContext context,
        int longSide = DefaultLongSide, string? route = null, IProgress<(int Index, GatedProgress Attempt)>? progress = null,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        for (int i = 0; i < jobs.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var forward = progress is null ? null : new ForwardProgress<GatedProgress>(p => progress.Report((i, p)));
            PoseResult result;
            try
            {
                var outcome = await generator.RunAsync(Build(jobs[i], identity, longSide, route), context, forward, ct);
                result = new PoseResult(jobs[i].Effective, outcome.Image, outcome.Attempts, null);
            }
            catch (GenerationFailedException e)
            {
                result = new PoseResult(jobs[i].Effective, null, e.Attempts, e.Message);
            }
            yield return result;
        }
    }

    /// <summary>The batch's contact sheet: each delivered image with its pose id and scores, failures as their control image.</summary>
    public static RgbaImage ContactSheet(IReadOnlyList<PoseResult> results) => ContactSheet(results.Select(r =>
        new SheetItem(r.Pose, r.Image, r.Winner?.Verdict.Similarity, r.Winner?.Verdict.PoseMatch?.Score, r.Image is null ? "FAILED" : null)).ToList());

    /// <summary>One tile: the avatar (or null: the pose's control image is shown with <paramref name="Status"/>).</summary>
    public sealed record SheetItem(PoseTemplate Pose, RgbaImage? Image, double? Identity, double? PoseScore, string? Status);

    public static RgbaImage ContactSheet(IReadOnlyList<SheetItem> items)
    {
        var tiles = items.Select(i =>
        {
            if (i.Image is not null) return ($"{i.Pose.Id}\nidentity {i.Identity:0.00}  pose {i.PoseScore:0.00}", i.Image);
            var (w, h) = PoseControlImage.SizeFor(i.Pose, 512);
            return ($"{i.Pose.Id}\n{i.Status}", PoseControlImage.Render(i.Pose, w, h));
        }).ToList();
        return Imaging.Drawing.LabelledGrid.Build(tiles, 256, Math.Min(5, tiles.Count));
    }
}
