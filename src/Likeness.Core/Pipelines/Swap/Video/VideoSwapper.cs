using System.Diagnostics;
using Likeness.Imaging;
using Likeness.Vision.Identity;

namespace Likeness.Pipelines.Swap.Video;

public sealed record VideoSwapOptions
{
    /// <summary>Per-face swap settings; video defaults to the fast path with the box mask.</summary>
    public SwapOptions Swap { get; init; } = new() { Masks = [SwapMaskKind.Box], Fast = true };
    /// <summary>Every track, or only the one with the largest face when it first appeared.</summary>
    public bool AllFaces { get; init; }
    public int DetectEvery { get; init; } = 5;
    /// <summary>How often the identity report embeds a swapped face (every Nth frame per track).</summary>
    public int ReportEvery { get; init; } = 10;
    /// <summary>
    /// Occlusion-aware routing: each track is classified (<see cref="OcclusionClassifier"/>) on detection frames; a face
    /// with nothing in front takes <see cref="Swap"/> (the fast path), an occluded one <see cref="OccludedSwap"/>. Off: always <see cref="Swap"/>.
    /// </summary>
    public bool Route { get; init; }
    public SwapOptions OccludedSwap { get; init; } = new() { Masks = [SwapMaskKind.Box, SwapMaskKind.Occlusion] };
    /// <summary>
    /// Receives (frame, track, the face's final mask over the whole frame) on the report frames: how a benchmark compares
    /// the masks two paths used. Null (the default) keeps no masks.
    /// </summary>
    public Action<int, int, FloatPlane>? MaskSink { get; init; }

    /// <summary>
    /// What the CLI and the API do: masks given explicitly are used on every frame (fast unless they include occlusion);
    /// without them each face is classified, clear faces take the fast path and occluded ones the occlusion-aware one.
    /// </summary>
    public static VideoSwapOptions For(SwapOptions? explicitMasks, bool allFaces) => explicitMasks is { } given
        ? new VideoSwapOptions { AllFaces = allFaces, Swap = given with { Fast = !given.Masks.Contains(SwapMaskKind.Occlusion), KeepMasks = false } }
        : new VideoSwapOptions { AllFaces = allFaces, Route = true };
}

public sealed record VideoProgress(int Frame, int? TotalFrames, double FramesPerSecond);

public sealed record TrackReport(int Id, int FirstFrame, int FramesSwapped, float? MeanSimilarityToSource, int Sampled, int FramesOccluded = 0);

public sealed record VideoSwapReport(string Output, int Frames, int FramesWithSwap, double Seconds, double FramesPerSecond, bool AudioCopied,
    IReadOnlyList<TrackReport> Tracks, IReadOnlyDictionary<string, double> StageMillisecondsPerFrame);

/// <summary>
/// Video face swap: frames from ffmpeg, faces tracked across frames (<see cref="FaceTracker"/>), each chosen track's
/// face swapped (fast path by default), frames back to ffmpeg as H.264 with the original audio. Canceling or failing
/// leaves no output file.
/// </summary>
public sealed class VideoSwapper(VisionEngine engine, FaceSwapper swapper, Likeness.Vision.Parsing.ISkinClothesHairParser? parser = null)
{
    public async Task<VideoSwapReport> SwapAsync(SwapSource source, string input, string output, VideoSwapOptions options,
        IProgress<VideoProgress>? progress = null, CancellationToken ct = default)
    {
        var info = await Ffmpeg.ProbeAsync(input, ct);
        await using var reader = new VideoFrameReader(input, info);
        await using var writer = new VideoFrameWriter(output, info, input);
        var tracker = new FaceTracker(engine, options.DetectEvery);
        var stages = new Dictionary<string, double>();
        var similarity = new Dictionary<int, List<float>>();
        var swappedFrames = new Dictionary<int, int>();
        var firstFrame = new Dictionary<int, int>();
        var parts = new Dictionary<string, double>();
        var verdicts = new Dictionary<int, Occlusion>();
        var occludedFrames = new Dictionary<int, int>();
        if (options.Route && parser is null) throw new InvalidOperationException("Occlusion routing needs the skin/clothes/hair parser.");
        int? chosenTrack = null;
        var frames = 0;
        var withSwap = 0;
        var clock = Stopwatch.StartNew();
        var stage = Stopwatch.StartNew();
        void Add(string name) { stages[name] = stages.GetValueOrDefault(name) + stage.Elapsed.TotalMilliseconds; stage.Restart(); }

        while (true)
        {
            stage.Restart();
            var frame = await reader.ReadAsync(ct);
            Add("decode wait");
            if (frame is null) break;
            var visible = await tracker.UpdateAsync(frame, frames, ct);
            Add("track");
            chosenTrack ??= visible.OrderByDescending(t => t.Face.Box.Area).Select(t => (int?)t.Id).FirstOrDefault();
            var any = false;
            foreach (var track in visible.Where(t => options.AllFaces || t.Id == chosenTrack))
            {
                if (FaceSwapper.CutByFrame(track.Mesh!, frame.Width, frame.Height) is not null) continue;   // left as filmed, never a broken face
                var report = swappedFrames.GetValueOrDefault(track.Id) % Math.Max(1, options.ReportEvery) == 0;
                var swap = options.Swap;
                if (options.Route)
                {
                    if (!verdicts.ContainsKey(track.Id) || frames % Math.Max(1, options.DetectEvery) == 0)
                    {
                        var started = stage.Elapsed.TotalMilliseconds;
                        verdicts[track.Id] = (await OcclusionClassifier.ClassifyAsync(engine, parser!, frame, track.Face, track.Mesh, ct)).Kind;
                        parts["classify"] = parts.GetValueOrDefault("classify") + stage.Elapsed.TotalMilliseconds - started;
                    }
                    if (verdicts[track.Id] != Occlusion.None)
                    {
                        swap = options.OccludedSwap;
                        occludedFrames[track.Id] = occludedFrames.GetValueOrDefault(track.Id) + 1;
                    }
                }
                var masks = report && options.MaskSink is not null ? new Dictionary<string, FloatPlane>() : null;
                var result = await swapper.SwapFaceAsync(source, frame, track.Id, track.Face, track.Mesh!, swap, report, masks, ct);
                if (result is null) continue;
                if (masks is not null && masks.TryGetValue($"face{track.Id}-combined", out var combined)) options.MaskSink!(frames, track.Id, combined);
                foreach (var (name, ms) in result.TimingsMs) parts[name] = parts.GetValueOrDefault(name) + ms;
                any = true;
                firstFrame.TryAdd(track.Id, frames);
                swappedFrames[track.Id] = swappedFrames.GetValueOrDefault(track.Id) + 1;
                if (report && !float.IsNaN(result.SimilarityToSource))
                {
                    if (!similarity.TryGetValue(track.Id, out var list)) similarity[track.Id] = list = [];
                    list.Add(result.SimilarityToSource);
                }
            }
            Add("swap");
            if (any) withSwap++;
            await writer.WriteAsync(frame, ct);
            Add("encode wait");
            frames++;
            progress?.Report(new VideoProgress(frames, info.FrameCount, frames / clock.Elapsed.TotalSeconds));
        }
        if (frames == 0) throw new VideoException($"{input}: ffmpeg decoded no frames ({reader.Errors}).");
        await writer.CompleteAsync(ct);
        var seconds = clock.Elapsed.TotalSeconds;
        var tracks = swappedFrames.Keys.Order().Select(id => new TrackReport(id, firstFrame[id], swappedFrames[id],
            similarity.TryGetValue(id, out var s) && s.Count > 0 ? s.Average() : null, similarity.GetValueOrDefault(id)?.Count ?? 0, occludedFrames.GetValueOrDefault(id))).ToList();
        return new VideoSwapReport(output, frames, withSwap, seconds, frames / seconds, info.HasAudio, tracks,
            stages.Concat(parts.Select(kv => KeyValuePair.Create("swap:" + kv.Key, kv.Value))).ToDictionary(kv => kv.Key, kv => kv.Value / frames));
    }
}
