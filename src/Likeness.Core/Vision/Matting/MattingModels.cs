using Likeness.Inference;
using Microsoft.Extensions.Logging;

namespace Likeness.Vision.Matting;

/// <summary>Picks a matting model by mode ("quality", "fast") or by model name.</summary>
public static class MattingModels
{
    public const string Quality = "quality";
    public const string Fast = "fast";

    /// <summary>Every accepted name, for help texts and error messages.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [Quality, Fast, IsNetMatting.Model, IsNetMatting.QuantizedModel, SelfieSegmentationMatting.Model];

    public static IMatting Create(IModelSessions sessions, string modeOrModel = Quality, ILogger? logger = null) => modeOrModel.Trim().ToLowerInvariant() switch
    {
        Quality or IsNetMatting.Model => new IsNetMatting(sessions, logger: logger),
        IsNetMatting.QuantizedModel => new IsNetMatting(sessions, quantized: true, logger),
        Fast or SelfieSegmentationMatting.Model => new SelfieSegmentationMatting(sessions),
        _ => throw new ArgumentException(
            $"unknown matting mode or model '{modeOrModel}'; use one of: {string.Join(", ", Names)}", nameof(modeOrModel)),
    };
}
