namespace Likeness.Providers.Costs;

/// <summary>Second = compute time the provider bills; VideoSecond = seconds of video produced.</summary>
public enum PriceUnit { Image, Megapixel, Second, Run, VideoSecond }

/// <summary>A price for one provider model: USD per unit; seconds-priced models also carry an estimate for budgeting.</summary>
public sealed class PriceEntry
{
    public decimal UsdPerUnit { get; set; }
    public PriceUnit Unit { get; set; } = PriceUnit.Image;
    /// <summary>For <see cref="PriceUnit.Second"/>: expected run time, used before the call to check the budget.</summary>
    public double EstimatedSeconds { get; set; } = 10;
}

/// <summary>
/// Configurable prices ("Providers:Prices:{provider}:{model}"). Defaults are public list prices at the time of writing;
/// unknown models cost <see cref="DefaultEntry"/> so a missing price never makes work free by accident.
/// </summary>
public sealed class PriceTableOptions
{
    public Dictionary<string, Dictionary<string, PriceEntry>> Prices { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["fal"] = new(StringComparer.Ordinal)
        {
            ["fal-ai/flux-lora"] = new() { UsdPerUnit = 0.035m, Unit = PriceUnit.Megapixel },
            ["fal-ai/flux-lora/inpainting"] = new() { UsdPerUnit = 0.035m, Unit = PriceUnit.Megapixel },
            ["fal-ai/flux-lora-fast-training"] = new() { UsdPerUnit = 2.00m, Unit = PriceUnit.Run },
            ["fal-ai/birefnet"] = new() { UsdPerUnit = 0.0m, Unit = PriceUnit.Image },
            ["fal-ai/face-swap"] = new() { UsdPerUnit = 0.02m, Unit = PriceUnit.Image },
            // fal.ai/models/fal-ai/kling-video/v1/standard/image-to-video: $0.045 per second of video.
            ["fal-ai/kling-video/v1/standard/image-to-video"] = new() { UsdPerUnit = 0.045m, Unit = PriceUnit.VideoSecond, EstimatedSeconds = 5 },
            // fal.ai/models/fal-ai/sync-lipsync: $0.7 per minute of video.
            ["fal-ai/sync-lipsync"] = new() { UsdPerUnit = 0.7m / 60, Unit = PriceUnit.VideoSecond, EstimatedSeconds = 10 },
        },
        ["gemini"] = new(StringComparer.Ordinal)
        {
            // Per 1K/2K output image (ai.google.dev/gemini-api/docs/pricing); 4K images cost more: set your own price if you use them.
            ["gemini-3.1-flash-image"] = new() { UsdPerUnit = 0.067m, Unit = PriceUnit.Image },
            ["gemini-3-pro-image"] = new() { UsdPerUnit = 0.134m, Unit = PriceUnit.Image },
            ["gemini-3.5-flash"] = new() { UsdPerUnit = 0.002m, Unit = PriceUnit.Run },
        },
        ["huggingface"] = new(StringComparer.Ordinal),
        ["replicate"] = new(StringComparer.Ordinal)
        {
            ["black-forest-labs/flux-schnell"] = new() { UsdPerUnit = 0.003m, Unit = PriceUnit.Image },
            ["black-forest-labs/flux-dev"] = new() { UsdPerUnit = 0.025m, Unit = PriceUnit.Image },
            // Pose control (ComfyPoseWorkflow): a community model, billed by GPU time (the prediction's predict_time) with
            // no per-image price. ESTIMATE, not measured: an Nvidia L40S at $0.000975/s (replicate.com/pricing; the
            // hardware is assumed, check the model page) for ~40 s of FLUX dev + ControlNet at 28 steps, LoRA download
            // included ≈ $0.04 an image. The budget check reserves the estimate; the ledger records the real seconds.
            ["comfyui/any-comfyui-workflow"] = new() { UsdPerUnit = 0.000975m, Unit = PriceUnit.Second, EstimatedSeconds = 40 },
        },
    };

    /// <summary>Price for models not in the table (e.g. per-second GPU time).</summary>
    public PriceEntry DefaultEntry { get; set; } = new() { UsdPerUnit = 0.001m, Unit = PriceUnit.Second, EstimatedSeconds = 10 };
}

public sealed class PriceTable
{
    readonly PriceTableOptions _options;

    public PriceTable(PriceTableOptions options) => _options = options;

    public PriceEntry For(string provider, string model)
        => _options.Prices.TryGetValue(provider, out var models) && models.TryGetValue(model, out var entry) ? entry : _options.DefaultEntry;

    /// <summary>Units a request is expected to use, before calling (budget check).</summary>
    public static double EstimateUnits(PriceEntry price, GenerationRequest request) => price.Unit switch
    {
        PriceUnit.Image => request.Operation == GenerationOperation.TrainLora || request.Operation == GenerationOperation.DescribeImage ? 1 : request.ImageCount,
        PriceUnit.Megapixel => Math.Ceiling(request.Width * (double)request.Height / 1_000_000) * request.ImageCount,
        PriceUnit.Second => price.EstimatedSeconds,
        PriceUnit.VideoSecond => request.DurationSeconds ?? price.EstimatedSeconds,
        _ => 1,
    };

    /// <summary>Units a finished call used, from what the provider reported.</summary>
    public static double ActualUnits(PriceEntry price, ProviderUsage usage, GenerationRequest request) => price.Unit switch
    {
        PriceUnit.Image => usage.Images,
        PriceUnit.Megapixel => usage.Megapixels > 0 ? Math.Ceiling(usage.Megapixels) : EstimateUnits(price, request),
        PriceUnit.Second => usage.Seconds,
        PriceUnit.VideoSecond => usage.VideoSeconds > 0 ? usage.VideoSeconds : EstimateUnits(price, request),
        _ => usage.Runs,
    };

    public static decimal Usd(PriceEntry price, double units) => Math.Round(price.UsdPerUnit * (decimal)units, 6);
}
