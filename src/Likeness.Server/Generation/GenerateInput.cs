using Likeness.Providers;

namespace Likeness.Server.Generation;

/// <summary>
/// Input of the `generate` job: one provider operation; images come from the owner's assets. With `identityId`, the
/// identity's current LoRA (its newest ready version) is applied at `loraScale` (default 0.8) and its trigger word
/// starts the prompt.
/// </summary>
public sealed record GenerateInput(
    string Operation,
    string? Prompt = null,
    string? Route = null,
    Guid? ImageAssetId = null,
    Guid? MaskAssetId = null,
    Guid? ControlAssetId = null,
    List<Guid>? ReferenceAssetIds = null,
    List<GenerateLora>? Loras = null,
    int? Width = null,
    int? Height = null,
    int? ImageCount = null,
    int? Steps = null,
    double? GuidanceScale = null,
    long? Seed = null,
    List<Guid>? TrainingAssetIds = null,
    string? TrainingZipUrl = null,
    string? TriggerWord = null,
    int? DeadlineSeconds = null,
    string? Folder = null,
    Guid? IdentityId = null,
    double? LoraScale = null)
{
    public static readonly IReadOnlyDictionary<string, GenerationOperation> Operations = new Dictionary<string, GenerationOperation>
    {
        ["text-to-image"] = GenerationOperation.TextToImage,
        ["image-edit"] = GenerationOperation.ImageEdit,
        ["inpaint"] = GenerationOperation.Inpaint,
        ["describe"] = GenerationOperation.DescribeImage,
        ["remove-background"] = GenerationOperation.RemoveBackground,
        ["pose-control"] = GenerationOperation.PoseControl,
        ["train-lora"] = GenerationOperation.TrainLora,
    };

    public GenerationOperation Op => Operations[Operation];

    /// <summary>Every asset the input names, with whether it must be an image.</summary>
    public IEnumerable<(string Field, Guid Id, bool Image)> AssetReferences()
    {
        if (ImageAssetId is { } image) yield return ("imageAssetId", image, true);
        if (MaskAssetId is { } mask) yield return ("maskAssetId", mask, true);
        if (ControlAssetId is { } control) yield return ("controlAssetId", control, true);
        foreach (var r in ReferenceAssetIds ?? []) yield return ("referenceAssetIds", r, true);
        foreach (var t in TrainingAssetIds ?? []) yield return ("trainingAssetIds", t, true);
    }

    /// <summary>Fields the operation needs that are missing, in wire names.</summary>
    public IReadOnlyList<string> MissingFields()
    {
        var missing = new List<string>();
        var needsPrompt = Op is GenerationOperation.TextToImage or GenerationOperation.ImageEdit or GenerationOperation.Inpaint or GenerationOperation.PoseControl;
        if (needsPrompt && string.IsNullOrWhiteSpace(Prompt)) missing.Add("prompt");
        if ((Op is GenerationOperation.ImageEdit or GenerationOperation.Inpaint or GenerationOperation.DescribeImage or GenerationOperation.RemoveBackground) && ImageAssetId is null)
            missing.Add("imageAssetId");
        if (Op == GenerationOperation.Inpaint && MaskAssetId is null) missing.Add("maskAssetId");
        if (Op == GenerationOperation.PoseControl && ControlAssetId is null) missing.Add("controlAssetId");
        if (Op == GenerationOperation.TrainLora)
        {
            if (string.IsNullOrWhiteSpace(TriggerWord)) missing.Add("triggerWord");
            if (TrainingAssetIds is not { Count: > 0 } && string.IsNullOrWhiteSpace(TrainingZipUrl)) missing.Add("trainingAssetIds (or trainingZipUrl)");
        }
        return missing;
    }

    /// <summary>The provider request; <paramref name="image"/> turns an asset id into its bytes (placeholders at validation time).</summary>
    public GenerationRequest ToRequest(Func<Guid, MediaInput> image, string? trainingZip) => new()
    {
        Operation = Op,
        Prompt = Prompt,
        Route = Route,
        Image = ImageAssetId is { } i ? image(i) : null,
        Mask = MaskAssetId is { } m ? image(m) : null,
        ControlImage = ControlAssetId is { } c ? image(c) : null,
        ReferenceImages = (ReferenceAssetIds ?? []).Select(image).ToList(),
        Loras = (Loras ?? []).Select(l => new LoraWeight(l.Path, l.Scale)).ToList(),
        Width = Width ?? 1024,
        Height = Height ?? 1024,
        ImageCount = ImageCount ?? 1,
        Steps = Steps,
        GuidanceScale = GuidanceScale,
        Seed = Seed,
        TrainingImagesZipUrl = trainingZip,
        TriggerWord = TriggerWord,
    };
}

public sealed record GenerateLora(string Path, double Scale = 1.0);

/// <summary>Deadlines of `generate` steps. Bound from "Likeness:Jobs:Generate".</summary>
public sealed class GenerateOptions
{
    public TimeSpan Deadline { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>LoRA training runs for minutes to an hour.</summary>
    public TimeSpan TrainingDeadline { get; set; } = TimeSpan.FromHours(1);
    /// <summary>The most a job may ask for with `deadlineSeconds`.</summary>
    public TimeSpan MaxDeadline { get; set; } = TimeSpan.FromHours(2);
    /// <summary>Providers stop by themselves at the deadline (and cancel remote work); the step is cut off this much later.</summary>
    public TimeSpan DeadlineGrace { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan DeadlineFor(GenerateInput input) => input.DeadlineSeconds is { } s ? TimeSpan.FromSeconds(s)
        : input.Op == GenerationOperation.TrainLora ? TrainingDeadline : Deadline;
}
