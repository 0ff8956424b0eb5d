using Likeness.Compositing;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;
using Likeness.Jobs;
using Likeness.Pipelines;
using Likeness.Pipelines.Compose;
using Likeness.Pipelines.Generation;
using Likeness.Providers;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;
using Likeness.Server.Generation;
using Likeness.Server.Identities;

namespace Likeness.Server.Scenes;

/// <summary>What a provider render produced: the image, its provenance, and how it was made (or why it fell back).</summary>
public sealed record ProviderRender(RgbaImage Image, ProvenanceRecord Provenance, string Method, string? Fallback, IReadOnlyList<AttemptReport> Attempts);

/// <summary>
/// A scene rendered through a provider, every output gated (the identity, one face, the face at least
/// <see cref="MinFaceWidth"/> of the width): `inpaint` repaints the person into the locally composed scene inside a mask
/// (the scene's maskData, else the automatic placement mask); `generate` makes the scene anew from its prompt, wardrobe and
/// pose — with the identity's LoRA and trigger word when it has a ready one, else as an edit of the background with the
/// person's photos as references. When no attempt passes, the local overlay is delivered and the result says so.
/// </summary>
public sealed class ProviderSceneRender(VisionEngine engine, GatedJobGeneration generation)
{
    public const double MinFaceWidth = 0.06;

    public async Task<ProviderRender> RenderAsync(JobStepContext context, LikenessDb db, Scene scene, EncodedImage background, EncodedImage person,
        IReadOnlyList<EncodedImage> referencePhotos, string matting, CancellationToken ct)
    {
        ReferenceSet references;
        try { references = await ReferenceSet.BuildAsync(engine, referencePhotos, ct); }
        catch (LikenessException e) { throw new PermanentJobException(e.Message); }
        // The local overlay first: it is the inpaint input, the source of the placement mask, and the fallback.
        var overlay = await new ComposePipeline(engine).ComposeAsync(person, background, null,
            new ComposeOptions { Matting = matting, Position = SceneRendering.Position(scene), Export = scene.ExportPreset, Mode = ComposeMode.Mask }, null, ct);
        var lora = scene.IdentityId is { } identity
            ? await db.IdentityLoras.AsNoTracking().Where(l => l.IdentityId == identity && l.Status == LoraStatus.Ready).OrderByDescending(l => l.Version).FirstOrDefaultAsync(ct)
            : null;
        var request = scene.CompositeMode == CompositeMode.Inpaint ? Inpaint(scene, overlay, lora) : Generate(scene, background, overlay.Image, lora);
        var (generator, _, generationContext) = await generation.ForStepAsync(context, null, ct);
        var gated = new GatedRequest($"the scene '{scene.Name}'", request, new GateExpectation(null, GateFraming.Any) { MinFaceWidth = MinFaceWidth }, references.Template)
        {
            References = lora is null && scene.CompositeMode == CompositeMode.Generate ? references.References : [],
        };
        try
        {
            var outcome = await generator.RunAsync(gated, generationContext, null, ct);
            var provenance = GeneratedProvenance.For($"scene-{SceneRendering.Wire(scene.CompositeMode)}", outcome.Winner,
                new Dictionary<string, string> { ["background"] = background.Sha256, ["person"] = person.Sha256 });
            return new ProviderRender(outcome.Image, provenance, SceneRendering.Wire(scene.CompositeMode), null, AttemptReport.From(outcome.Attempts));
        }
        catch (GenerationFailedException e)
        {
            return new ProviderRender(overlay.Image, overlay.Provenance, "overlay",
                $"{SceneRendering.Wire(scene.CompositeMode)} through a provider did not pass the likeness gate, so the local overlay was delivered instead: {e.Message}",
                AttemptReport.From(e.Attempts));
        }
        catch (ProviderException e) { throw GatedJobGeneration.JobError(e); }
    }

    static string Describe(Scene scene, string fallback) => string.Join(" ", new[]
    {
        scene.Prompt ?? fallback,
        scene.Wardrobe is { Length: > 0 } w ? $"Wearing {w}." : null,
        scene.Pose is { Length: > 0 } p ? $"Pose: {p}." : null,
    }.Where(s => s is not null));

    static GenerationRequest Inpaint(Scene scene, ComposeResult overlay, IdentityLora? lora) => new()
    {
        Operation = GenerationOperation.Inpaint,
        Prompt = Trigger(lora) + Describe(scene, overlay.Prompt ?? "The person, photorealistic, matching the scene's light."),
        Image = Png(overlay.Image),
        Mask = Png(scene.MaskData is { Length: > 0 } data ? StoredMask(data, overlay.Image.Width, overlay.Image.Height) : Dilated(overlay.PersonMask)),
        Loras = lora?.SourceUrl is { } url ? [new LoraWeight(url, Likeness.Pipelines.Lora.IdentityPanel.LoraScale)] : [],
        Width = overlay.Image.Width,
        Height = overlay.Image.Height,
    };

    static GenerationRequest Generate(Scene scene, EncodedImage background, RgbaImage sized, IdentityLora? lora)
    {
        var what = Describe(scene, "The person in this scene, photorealistic, natural light, face clearly visible.");
        return lora?.SourceUrl is { } url
            ? new() { Operation = GenerationOperation.TextToImage, Prompt = Trigger(lora) + what, Loras = [new LoraWeight(url, Likeness.Pipelines.Lora.IdentityPanel.LoraScale)], Width = Even(sized.Width), Height = Even(sized.Height) }
            : new() { Operation = GenerationOperation.ImageEdit, Image = MediaInput.FromBytes(background.Bytes, MimeOf(background.Bytes)),
                Prompt = "Place the person from the reference photos into this scene, their face exactly as in the references. " + what };
    }

    static string Trigger(IdentityLora? lora) => lora is null ? "" : $"A photo of {lora.TriggerWord}. ";
    static int Even(int v) => Math.Clamp(v / 16 * 16, 256, 2048);
    static string MimeOf(byte[] bytes) => bytes is [0xFF, 0xD8, ..] ? "image/jpeg" : "image/png";
    static MediaInput Png(RgbaImage image) => MediaInput.FromBytes(ImageCodec.Encode(image, ImageFormat.Png, new EncodeOptions { FastPngCompression = true }));

    /// <summary>White where the provider repaints: the person and a margin around them, so edges and shadow are redrawn too.</summary>
    static RgbaImage Dilated(FloatPlane mask)
    {
        var image = new RgbaImage(mask.Width, mask.Height);
        int r = Math.Max(4, mask.Width / 100);
        for (int y = 0; y < mask.Height; y++)
            for (int x = 0; x < mask.Width; x++)
            {
                bool on = false;
                for (int dy = -r; dy <= r && !on; dy += r)
                    for (int dx = -r; dx <= r && !on; dx += r)
                    {
                        int sx = Math.Clamp(x + dx, 0, mask.Width - 1), sy = Math.Clamp(y + dy, 0, mask.Height - 1);
                        on = mask[sx, sy] > 0.1f;
                    }
                byte v = on ? (byte)255 : (byte)0;
                image[x, y] = new Rgba32(v, v, v);
            }
        return image;
    }

    /// <summary>The scene's own mask (a PNG, raw base64 or a data URI), scaled to the render.</summary>
    static RgbaImage StoredMask(string data, int width, int height)
    {
        var comma = data.IndexOf(',');
        byte[] bytes;
        try { bytes = Convert.FromBase64String(data.StartsWith("data:", StringComparison.Ordinal) && comma > 0 ? data[(comma + 1)..] : data); }
        catch (FormatException) { throw new PermanentJobException("The scene's maskData is not base64: store a PNG mask (white = repaint) as base64 or a data URI (PUT /scenes/{id})."); }
        RgbaImage mask;
        try { mask = ImageCodec.Decode(bytes, "scene mask"); }
        catch (LikenessException e) { throw new PermanentJobException($"The scene's maskData is not a readable image ({e.Message}): store a PNG mask, white = repaint."); }
        return mask.Width == width && mask.Height == height ? mask : mask.Resize(width, height);
    }
}
