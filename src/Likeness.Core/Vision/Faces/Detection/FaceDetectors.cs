using Likeness.Inference;
using Likeness.Models;

namespace Likeness.Vision.Faces.Detection;

/// <summary>A face detector Likeness can build, with what its weights' licence allows.</summary>
/// <param name="LicenceWarning">Set when the weights may not be used commercially; show it to the user.</param>
public sealed record FaceDetectorInfo(string Name, string Licence, LicenceClass LicenceClass, bool IsDefault, string? LicenceWarning);

/// <summary>
/// The face detectors by model name. The default is YuNet (Apache-2.0). SCRFD (non-commercial weights)
/// is built only when asked for by name, and its <see cref="FaceDetectorInfo.LicenceWarning"/> says so.
/// </summary>
public static class FaceDetectors
{
    public const string Default = YuNetDetector.Model;

    static readonly Dictionary<string, Func<IModelSessions, IFaceDetector>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        [YuNetDetector.Model] = s => new YuNetDetector(s),
        [RetinaFaceDetector.Model] = s => new RetinaFaceDetector(s),
        [ScrfdDetector.Model] = s => new ScrfdDetector(s),
    };

    public static IReadOnlyList<string> Names { get; } = [YuNetDetector.Model, RetinaFaceDetector.Model, ScrfdDetector.Model];

    /// <summary>What Likeness knows about a detector's model (from the manifest).</summary>
    public static FaceDetectorInfo Describe(string name)
    {
        if (!Factories.ContainsKey(name)) throw UnknownDetector(name);
        var model = ModelManifest.Embedded.Get(name.ToLowerInvariant());
        string? warning = model.LicenceClass == LicenceClass.NonCommercial
            ? $"Face detector '{model.Name}' uses weights licensed for NON-COMMERCIAL research only ({model.Licence}). " +
              $"Do not use it in a commercial product; the default '{Default}' (Apache-2.0) has no such restriction."
            : null;
        return new FaceDetectorInfo(model.Name, model.Licence, model.LicenceClass, model.Name == Default, warning);
    }

    /// <summary>The detector named <paramref name="name"/>, or the default when null or empty.</summary>
    /// <param name="licenceWarning">Called with <see cref="FaceDetectorInfo.LicenceWarning"/> when the chosen weights are restricted (e.g. SCRFD).</param>
    public static IFaceDetector Create(IModelSessions sessions, string? name = null, Action<string>? licenceWarning = null)
    {
        name = string.IsNullOrWhiteSpace(name) ? Default : name.Trim();
        if (!Factories.TryGetValue(name, out var create)) throw UnknownDetector(name);
        if (licenceWarning is not null && Describe(name).LicenceWarning is { } warning) licenceWarning(warning);
        return create(sessions);
    }

    static ArgumentException UnknownDetector(string name) =>
        new($"unknown face detector '{name}'; choose one of: {string.Join(", ", Names)} (default {Default})", nameof(name));
}
