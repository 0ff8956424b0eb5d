using System.Diagnostics;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Inference;
using Likeness.Pipelines;
using Likeness.Pipelines.Swap;
using Likeness.Pipelines.Swap.Video;
using Likeness.Vision.Parsing;

namespace Likeness.Cli.Bench;

/// <summary>
/// Video swap, the fast path (box mask, RGB match, alpha paste) against the heavy one (box + occlusion masks with the
/// parser on every frame, Lab match, multi-band blend) on the same clip in the same run: frames per second, the ratio,
/// and the identity similarity each reaches.
/// </summary>
public static class SwapBench
{
    public static async Task<IEnumerable<StageResult>> VideoAsync(IModelSessions sessions, RgbaImage sourcePhoto, string? video, CancellationToken ct = default)
    {
        var clip = video ?? await SyntheticClipAsync(ct);
        var engine = new VisionEngine(sessions);
        var parser = new SkinClothesHairParser(sessions);
        var source = await SwapSource.FromPhotosAsync(engine, [("source", sourcePhoto)], parser, ct);
        var swapper = new FaceSwapper(engine, parser);
        var info = await Ffmpeg.ProbeAsync(clip, ct);
        // Warm-up (untimed): both paths once on the first frame, so neither run pays for loading models or JIT.
        await using (var reader = new VideoFrameReader(clip, info))
            if (await reader.ReadAsync(ct) is { } first)
            {
                await swapper.SwapAsync(source, first, new SwapOptions { Masks = [SwapMaskKind.Box], Fast = true }, null, ct);
                await swapper.SwapAsync(source, first, new SwapOptions { Masks = [SwapMaskKind.Box, SwapMaskKind.Occlusion] }, null, ct);
            }
        var results = new List<StageResult>();
        var fps = new Dictionary<string, double>();
        var fast = new SwapOptions { Masks = [SwapMaskKind.Box], Fast = true };
        var heavy = new SwapOptions { Masks = [SwapMaskKind.Box, SwapMaskKind.Occlusion] };
        foreach (var (name, videoOptions) in new[]
        {
            ("always-heavy", new VideoSwapOptions { Swap = heavy, ReportEvery = 5 }),
            ("routed", new VideoSwapOptions { Swap = fast, OccludedSwap = heavy, Route = true, ReportEvery = 5 }),
            ("always-fast", new VideoSwapOptions { Swap = fast, ReportEvery = 5 }),
        })
        {
            var output = Path.Combine(Path.GetTempPath(), $"likeness-bench-swap-{name}-{Guid.NewGuid():N}.mp4");
            try
            {
                var report = await new VideoSwapper(engine, swapper, parser).SwapAsync(source, clip, output, videoOptions, null, ct);
                fps[name] = report.FramesPerSecond;
                var occluded = report.Tracks.Sum(t => t.FramesOccluded);
                var classified = report.Tracks.Sum(t => t.FramesClassified);
                var similarity = report.Tracks.Where(t => t.MeanSimilarityToSource is not null).Select(t => t.MeanSimilarityToSource!.Value).DefaultIfEmpty(float.NaN).Average();
                results.Add(new StageResult("swap", $"video {name} {info.Width}x{info.Height}, {report.Frames} frames", report.Frames, 1000 / report.FramesPerSecond, null,
                    $"{report.FramesPerSecond:0.0} fps{(name != "always-heavy" ? $" ({report.FramesPerSecond / fps["always-heavy"]:0.0}x always-heavy)" : "")}" +
                    $"{(name == "routed" ? $", {occluded} face-frames routed to the occlusion path, classified on {classified}" : "")}; similarity to the source {similarity:0.00}; " +
                    $"per frame: {string.Join(", ", report.StageMillisecondsPerFrame.Select(kv => $"{kv.Key} {kv.Value:0}"))}"));
            }
            finally
            {
                if (File.Exists(output)) File.Delete(output);
            }
        }
        results.Add(await MaskAgreementAsync(engine, swapper, parser, source, clip, fast, heavy, ct));
        return results;
    }

    /// <summary>
    /// Untimed: the three paths again, keeping the final mask of every 5th frame, and each path's masks compared with the
    /// always-heavy ones (soft IoU = sum of minima over sum of maxima, per face-frame, averaged).
    /// </summary>
    static async Task<StageResult> MaskAgreementAsync(VisionEngine engine, FaceSwapper swapper, SkinClothesHairParser parser, SwapSource source, string clip,
        SwapOptions fast, SwapOptions heavy, CancellationToken ct)
    {
        var masks = new Dictionary<string, Dictionary<(int, int), FloatPlane>>();
        foreach (var (name, options) in new[]
        {
            ("always-heavy", new VideoSwapOptions { Swap = heavy, ReportEvery = 5 }),
            ("routed", new VideoSwapOptions { Swap = fast, OccludedSwap = heavy, Route = true, ReportEvery = 5 }),
            ("always-fast", new VideoSwapOptions { Swap = fast, ReportEvery = 5 }),
        })
        {
            var kept = masks[name] = [];
            var output = Path.Combine(Path.GetTempPath(), $"likeness-bench-masks-{name}-{Guid.NewGuid():N}.mp4");
            try { await new VideoSwapper(engine, swapper, parser).SwapAsync(source, clip, output, options with { MaskSink = (frame, track, plane) => kept[(frame, track)] = plane }, null, ct); }
            finally { if (File.Exists(output)) File.Delete(output); }
        }
        string Agreement(string name)
        {
            var ious = masks[name].Where(kv => masks["always-heavy"].ContainsKey(kv.Key)).Select(kv => SoftIoU(kv.Value, masks["always-heavy"][kv.Key])).ToList();
            return ious.Count == 0 ? $"{name}: no common face-frames" : $"{name} {ious.Average():0.000} (lowest {ious.Min():0.000}, {ious.Count} face-frames)";
        }
        return new StageResult("swap", "video mask IoU against always-heavy", masks["always-heavy"].Count, 0, null, $"{Agreement("routed")}; {Agreement("always-fast")}");
    }

    public static double SoftIoU(FloatPlane a, FloatPlane b)
    {
        double intersection = 0, union = 0;
        for (int i = 0; i < a.Data.Length; i++)
        {
            intersection += Math.Min(a.Data[i], b.Data[i]);
            union += Math.Max(a.Data[i], b.Data[i]);
        }
        return union == 0 ? 1 : intersection / union;
    }

    /// <summary>A 720p, 3 s clip of the bundled astronaut slowly zooming (ffmpeg), when no --video is given.</summary>
    static async Task<string> SyntheticClipAsync(CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), "likeness-bench-astronaut-720p.mp4");
        if (File.Exists(path)) return path;
        var info = new ProcessStartInfo(Ffmpeg.Find("ffmpeg"), ["-v", "error", "-y", "-loop", "1", "-i", Commands.SamplePaths.Astronaut,
            "-vf", "scale=1280:1280,crop=1280:720:0:100,zoompan=z='1+0.0015*on':d=75:s=1280x720:fps=25", "-t", "3", "-c:v", "libx264", "-pix_fmt", "yuv420p", path])
        { UseShellExecute = false, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var errors = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new VideoException($"ffmpeg could not make the benchmark clip: {errors}");
        return path;
    }
}
