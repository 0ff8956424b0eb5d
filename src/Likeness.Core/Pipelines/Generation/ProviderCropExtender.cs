using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;
using Likeness.Pipelines.Compose;
using Likeness.Providers;
using Likeness.Vision.Faces;
using Likeness.Vision.Framing;
using Likeness.Vision.Identity;

namespace Likeness.Pipelines.Generation;

/// <summary>
/// Extends a close face crop to head and shoulders through a provider: the crop is placed on a larger grey canvas
/// (room above the head, the neck and shoulders below) and the provider is asked to fill the grey; the result must pass
/// the likeness gate against the crop itself (same person, one face, the same head angle within 10 degrees) and must no
/// longer be a close crop. Failed attempts regenerate with corrections; when none passes, compose refuses the crop
/// with every attempt's verdict.
/// </summary>
public sealed class ProviderCropExtender(VisionEngine engine, GatedGenerator generator, GenerationGate gate, GenerationContext context, string? route = null)
    : ICloseCropExtender
{
    public const string Prompt =
        "Outpaint this photo: it is a close crop of a portrait placed on a larger canvas, and the flat grey areas are the missing parts of the same photo. " +
        "Fill them so the image shows the whole head with its hair and some space above it, the neck and the shoulders with clothing that fits, " +
        "in the same lighting, colours and background style. Keep the face, its expression and the head angle exactly as they are in the photo; " +
        "one person only, photorealistic, no borders, no text.";
    static readonly Rgba32 Grey = new(128, 128, 128);

    public string Name { get; } = route is { Length: > 0 } r ? $"{r} outpainting" : "provider outpainting";

    public async Task<CropExtension> ExtendAsync(RgbaImage closeCrop, DetectedFace face, CancellationToken ct)
    {
        var template = IdentityTemplate.FromEmbeddings([await engine.Identity.EmbedFaceAsync(closeCrop, face, ct)]);
        var pose = await engine.HeadPoseAsync(closeCrop, face, ct);
        var canvas = Canvas(closeCrop, face);
        var request = new GenerationRequest
        {
            Operation = GenerationOperation.ImageEdit,
            Prompt = Prompt,
            Route = route,
            Image = MediaInput.FromBytes(ImageCodec.Encode(canvas, ImageFormat.Png, new EncodeOptions { FastPngCompression = true })),
            ReferenceImages = [MediaInput.FromBytes(ImageCodec.Encode(closeCrop, ImageFormat.Jpeg, new EncodeOptions { Quality = 92 }), "image/jpeg")],
            Width = canvas.Width,
            Height = canvas.Height,
        };
        var expectation = GateExpectation.MatchingYaw(pose.Yaw, GateFraming.Any);
        var gated = new GatedRequest("the extended photo", request, expectation, template) { Judge = (output, token) => JudgeAsync(output, expectation, template, token) };
        try
        {
            var outcome = await generator.RunAsync(gated, context, null, ct);
            return new CropExtension(outcome.Image, null, outcome.TotalUsd);
        }
        catch (GenerationFailedException e) { return CropExtension.Failed(e.Message, e.Attempts.Sum(a => a.EstimatedUsd)); }
        catch (ProviderException e) { return CropExtension.Failed(e.Message); }
    }

    async Task<(GateVerdict, RgbaImage?)> JudgeAsync(RgbaImage output, GateExpectation expectation, IdentityTemplate template, CancellationToken ct)
    {
        var verdict = await gate.JudgeAsync(output, expectation, template, ct);
        if (!verdict.Passed) return (verdict, null);
        var face = (await engine.Detector.DetectAsync(output, ct: ct))[0];
        var framing = FramingClassifier.Classify(output.Width, output.Height, face.Box);
        if (framing.Framing == PhotoFraming.CloseCrop)
            return (verdict with { Findings = [.. verdict.Findings, new GateFinding(GateChecks.Framing, false, framing.Name,
                $"still a close crop ({framing.CutDescription}): the head and shoulders must be in the frame")] }, null);
        return (verdict with { Findings = [.. verdict.Findings, new GateFinding(GateChecks.Framing, true, framing.Name)] }, output);
    }

    /// <summary>The crop on grey: the face box's own height above it for the skull and headroom, three below for neck and shoulders.</summary>
    static RgbaImage Canvas(RgbaImage crop, DetectedFace face)
    {
        double fh = face.Box.Height;
        int top = (int)Math.Round(Math.Max(0, 1.0 * fh - face.Box.Y));
        int bottom = (int)Math.Round(Math.Max(0, 3.0 * fh - (crop.Height - face.Box.Bottom)));
        int width = Math.Max(crop.Width, (int)Math.Round(3.2 * face.Box.Width));
        int height = crop.Height + top + bottom;
        var canvas = RgbaImage.Filled(width, height, Grey);
        Likeness.Imaging.Blending.AlphaCompositing.AlphaBlend(canvas, crop, (width - crop.Width) / 2, top);
        return canvas;
    }
}
