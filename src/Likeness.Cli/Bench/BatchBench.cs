using System.Diagnostics;
using Likeness.Imaging.Codecs;
using Likeness.Inference;
using Likeness.Pipelines;
using Likeness.Pipelines.Compose;

namespace Likeness.Cli.Bench;

/// <summary>
/// `likeness bench --only batch [--people DIR]`: up to 20 different people composed into the bundled scene by one
/// pipeline in one process (what `likeness compose --person DIR` does): images per minute, the first image against the
/// rest (session creation and JIT are paid once), and the process's peak memory.
/// </summary>
public static class BatchBench
{
    public const int People = 20;

    /// <summary>"name: a close face crop: the shoulders are cut off; use ..." → "a close face crop".</summary>
    static string Reason(string message)
    {
        var text = message.Contains(": ") ? message[(message.IndexOf(": ", StringComparison.Ordinal) + 2)..] : message;
        var end = text.IndexOfAny([':', ';', ',']);
        return (end > 0 ? text[..end] : text).Trim();
    }

    public static async Task<IEnumerable<StageResult>> RunAsync(IModelSessions sessions, string? folder, string scenePath, CancellationToken ct)
    {
        var photos = folder is null
            ? Enumerable.Repeat(Likeness.Cli.Commands.SamplePaths.Astronaut, People).ToList()
            : Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).Take(People).ToList();
        if (photos.Count == 0) throw new LikenessException($"no .jpg or .png photos under {folder}: pass --people with a folder of person photos");
        var scene = new EncodedImage(Path.GetFileName(scenePath), await File.ReadAllBytesAsync(scenePath, ct));
        var pipeline = new ComposePipeline(new VisionEngine(sessions));
        var times = new List<double>();
        var refused = new List<string>();
        var all = Stopwatch.StartNew();
        foreach (var path in photos)
        {
            var person = new EncodedImage(Path.GetFileName(path), await File.ReadAllBytesAsync(path, ct));
            var one = Stopwatch.StartNew();
            try
            {
                var result = await pipeline.ComposeAsync(person, scene, null, new ComposeOptions(), null, ct);
                ImageCodec.Encode(result.Image, ImageFormat.Png, new EncodeOptions { FastPngCompression = true });
                times.Add(one.Elapsed.TotalMilliseconds);
            }
            catch (LikenessException e) { refused.Add($"{Path.GetFileName(path)} ({Reason(e.Message)})"); }
        }
        var elapsed = all.Elapsed;
        if (times.Count == 0) throw new LikenessException("every photo was refused: " + string.Join("; ", refused));
        var rest = times.Skip(1).Order().ToList();
        double median = rest.Count == 0 ? times[0] : rest[rest.Count / 2];
        var perMinute = times.Count / elapsed.TotalMinutes;
        var note = $"{times.Count} composed{(refused.Count > 0 ? $", {refused.Count} refused: {string.Join("; ", refused)}" : "")}; " +
                   $"{perMinute:0.0} images/min over {elapsed.TotalSeconds:0} s; first {times[0]:0} ms, the rest median {median:0} ms " +
                   $"({median / times[0]:0.00}x the first); peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MiB";
        return [new StageResult("batch", $"compose {photos.Count} {(folder is null ? "copies of the astronaut" : "people")} into {scene.Name} (quality matting)", times.Count, median, null, note)];
    }
}
