using Likeness.Pipelines;
using Likeness.Pipelines.Check;
using Microsoft.Extensions.Options;

namespace Likeness.Server.PhotoChecks;

/// <summary>
/// Checks reference photos before any is accepted: bytes, format, full decode and resolution first, then the
/// `likeness check` face rules (one dominant face, face size, sharpness, exposure) and, within the set, that
/// the photos show the same person. Every reason names the photo and says what to do.
/// </summary>
public interface IPhotoChecker
{
    /// <summary>One result per photo, in order. Photos are checked as a set so a photo of someone else stands out.</summary>
    Task<IReadOnlyList<PhotoCheck>> CheckAsync(IReadOnlyList<PhotoFile> photos, CancellationToken ct);
}

public sealed record PhotoFile(string Name, byte[] Bytes);

/// <param name="OtherPerson">The photo failed the same-person rule: it does not look like the others of the upload.</param>
public sealed record PhotoCheck(bool Passed, IReadOnlyList<string> Reasons, ImageInspection Image, bool OtherPerson = false);

public sealed class PhotoRules
{
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;
    public int MinSide { get; set; } = 512;
}

public sealed class FacePhotoChecker(IImageInspector inspector, VisionEngine engine, IOptions<PhotoRules> rules, ILogger<FacePhotoChecker> log) : IPhotoChecker
{
    public async Task<IReadOnlyList<PhotoCheck>> CheckAsync(IReadOnlyList<PhotoFile> photos, CancellationToken ct)
    {
        var results = photos.Select(p => FileRules(p.Name, p.Bytes)).ToArray();
        var usable = Enumerable.Range(0, photos.Count).Where(i => results[i].Passed).ToList();
        if (usable.Count == 0) return results;

        var r = rules.Value;
        var pipeline = new PhotoCheckPipeline(engine, new PhotoCheckRules { MaxBytes = r.MaxBytes, MinSide = r.MinSide });
        var set = await pipeline.CheckAsync(usable.Select(i => new EncodedImage(photos[i].Name, photos[i].Bytes)).ToList(), ct: ct);
        for (var k = 0; k < usable.Count; k++)
        {
            var i = usable[k];
            var name = photos[i].Name;
            var otherPerson = set.SetFindings.Where(f => f.Rule == "same-person" && f.PhotoIndex == k).ToList();
            var reasons = set.Photos[k].Findings.Where(f => f.Severity == CheckSeverity.Error).Select(f => Reason($"{name}: {f.Message}", f.Fix))
                .Concat(otherPerson.Select(f => Reason(f.Message, f.Fix)))
                .ToList();
            if (reasons.Count > 0) results[i] = results[i] with { Passed = false, Reasons = reasons, OtherPerson = otherPerson.Count > 0 };
        }
        log.LogDebug("Checked {Count} photo(s): {Passed} passed", photos.Count, results.Count(c => c.Passed));
        return results;
    }

    static string Reason(string message, string? fix) => fix is null ? message : $"{message}; {fix}";

    PhotoCheck FileRules(string fileName, byte[] bytes)
    {
        var r = rules.Value;
        var reasons = new List<string>();
        if (bytes.Length > r.MaxBytes)
            reasons.Add($"{fileName} is {bytes.Length / 1048576.0:0.0} MB; the limit is {r.MaxBytes / 1048576.0:0.#} MB per photo: resize or recompress it");
        if (bytes.Length == 0) reasons.Add($"{fileName} is empty");
        var image = bytes.Length == 0 ? ImageInspection.NotAnImage : inspector.Inspect(bytes);
        if (bytes.Length > 0 && image.Problem is not null) reasons.Add($"{fileName}: {image.Problem}; upload a JPEG, PNG or WebP photo");
        else if (image.IsImage && Math.Min(image.Width, image.Height) < r.MinSide)
            reasons.Add($"{fileName} is {image.Width}x{image.Height}; photos need at least {r.MinSide}x{r.MinSide} pixels");
        return new PhotoCheck(reasons.Count == 0, reasons, image);
    }
}
