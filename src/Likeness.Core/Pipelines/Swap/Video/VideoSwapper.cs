using System.Diagnostics;
using System.Threading.Channels;
using Likeness.Imaging;
using Likeness.Vision.Identity;

namespace Likeness.Pipelines.Swap.Video;

public sealed record VideoSwapOptions
{
    /// <summary>Per-face swap settings; video defaults to the fast path with the box mask.</summary>
    public SwapOptions Swap { get; init; } = new() { Masks = [SwapMaskKind.Box], Fast = true };
    /// <summary>Every track, or only the person with the largest face in the first frame that has one (<see cref="ChosenPerson"/>: found again after scene cuts).</summary>
    public bool AllFaces { get; init; }
    public int DetectEvery { get; init; } = 5;
    /// <summary>How often the identity report embeds a swapped face (every Nth frame per track).</summary>
    public int ReportEvery { get; init; } = 10;
    /// <summary>
    /// Occlusion-aware routing: each track is classified (<see cref="OcclusionClassifier"/>) on detection frames; a face
    /// with nothing in front takes <see cref="Swap"/> (the fast path), an occluded one <see cref="OccludedSwap"/>. Off: always <see cref="Swap"/>.
    /// </summary>
    public bool Route { get; init; }
    /// <summary>
    /// With <see cref="Route"/>: a face is classified again when its look changed since its last verdict
    /// (<see cref="FaceAppearance"/>), and at the latest after this many frames.
    /// </summary>
    public int ClassifyAtLeastEvery { get; init; } = 25;
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

/// <param name="FramesClassified">Frames on which the router ran the occlusion classifier on this face (new face, changed look, or the longest wait).</param>
public sealed record TrackReport(int Id, int FirstFrame, int FramesSwapped, float? MeanSimilarityToSource, int Sampled, int FramesOccluded = 0, int FramesClassified = 0);

public sealed record VideoSwapReport(string Output, int Frames, int FramesWithSwap, double Seconds, double FramesPerSecond, bool AudioCopied,
    IReadOnlyList<TrackReport> Tracks, IReadOnlyDictionary<string, double> StageMillisecondsPerFrame);

/// <summary>
/// Video face swap: frames from ffmpeg, faces tracked across frames (<see cref="FaceTracker"/>), each chosen track's
/// face swapped (fast path by default), frames back to ffmpeg as H.264 with the original audio. Canceling or failing
/// leaves no output file.
/// </summary>
/// <remarks>
/// Two stages overlap: tracking (and routing) of frame N+1 reads the original pixels while frame N is swapped and
/// handed to the encoder. One stage at a time kept 1.6 of 2 cores busy in the swap bench; overlapped, 1.75.
/// </remarks>
public sealed class VideoSwapper(VisionEngine engine, FaceSwapper swapper, Likeness.Vision.Parsing.ISkinClothesHairParser? parser = null)
{
    /// <summary>One face of a tracked frame as stage one saw it: the track's face and mesh then, and the path it takes.</summary>
    sealed record TrackedFace(int Track, Likeness.Vision.Faces.DetectedFace Face, Likeness.Vision.Faces.Landmarks.FaceLandmarks Mesh, SwapOptions Swap, bool Occluded, bool Classified);

    sealed record TrackedFrame(RgbaImage Frame, IReadOnlyList<TrackedFace> Faces, double DecodeWaitMs, double TrackMs, double ClassifyMs);

    public async Task<VideoSwapReport> SwapAsync(SwapSource source, string input, string output, VideoSwapOptions options,
        IProgress<VideoProgress>? progress = null, CancellationToken ct = default)
    {
        if (options.Route && parser is null) throw new InvalidOperationException("Occlusion routing needs the skin/clothes/hair parser.");
        var info = await Ffmpeg.ProbeAsync(input, ct);
        await using var reader = new VideoFrameReader(input, info);
        await using var writer = new VideoFrameWriter(output, info, input);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var tracked = Channel.CreateBounded<TrackedFrame>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var tracking = Task.Run(() => TrackAsync(reader, options, tracked.Writer, stop.Token), CancellationToken.None);

        var stages = new Dictionary<string, double>();
        var parts = new Dictionary<string, double>();
        var similarity = new Dictionary<int, List<float>>();
        var swappedFrames = new Dictionary<int, int>();
        var firstFrame = new Dictionary<int, int>();
        var occludedFrames = new Dictionary<int, int>();
        var classifiedFrames = new Dictionary<int, int>();
        var frames = 0;
        var withSwap = 0;
        var clock = Stopwatch.StartNew();
        var stage = Stopwatch.StartNew();
        void Add(string name, double ms) => stages[name] = stages.GetValueOrDefault(name) + ms;
        try
        {
            while (true)
            {
                stage.Restart();
                if (!await tracked.Reader.WaitToReadAsync(stop.Token) || !tracked.Reader.TryRead(out var next)) break;
                Add("tracking wait", stage.Elapsed.TotalMilliseconds);
                Add("decode wait", next.DecodeWaitMs);
                Add("track", next.TrackMs);
                if (options.Route) parts["classify"] = parts.GetValueOrDefault("classify") + next.ClassifyMs;
                stage.Restart();
                var any = false;
                foreach (var face in next.Faces)
                {
                    var report = swappedFrames.GetValueOrDefault(face.Track) % Math.Max(1, options.ReportEvery) == 0;
                    var masks = report && options.MaskSink is not null ? new Dictionary<string, FloatPlane>() : null;
                    var result = await swapper.SwapFaceAsync(source, next.Frame, face.Track, face.Face, face.Mesh, face.Swap, report, masks, stop.Token, compareToTarget: false);
                    if (result is null) continue;
                    if (masks is not null && masks.TryGetValue($"face{face.Track}-combined", out var combined)) options.MaskSink!(frames, face.Track, combined);
                    foreach (var (name, ms) in result.TimingsMs) parts[name] = parts.GetValueOrDefault(name) + ms;
                    any = true;
                    firstFrame.TryAdd(face.Track, frames);
                    swappedFrames[face.Track] = swappedFrames.GetValueOrDefault(face.Track) + 1;
                    if (face.Classified) classifiedFrames[face.Track] = classifiedFrames.GetValueOrDefault(face.Track) + 1;
                    if (face.Occluded) occludedFrames[face.Track] = occludedFrames.GetValueOrDefault(face.Track) + 1;
                    if (report && !float.IsNaN(result.SimilarityToSource))
                    {
                        if (!similarity.TryGetValue(face.Track, out var list)) similarity[face.Track] = list = [];
                        list.Add(result.SimilarityToSource);
                    }
                }
                Add("swap", stage.Elapsed.TotalMilliseconds);
                stage.Restart();
                if (any) withSwap++;
                await writer.WriteAsync(next.Frame, stop.Token);
                Add("encode wait", stage.Elapsed.TotalMilliseconds);
                frames++;
                progress?.Report(new VideoProgress(frames, info.FrameCount, frames / clock.Elapsed.TotalSeconds));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await tracking;   // never throws: its failure (a broken decode, a model error) came through the channel
        }
        ct.ThrowIfCancellationRequested();   // stage one ends quietly on a cancel; a cut-short video must not be written
        if (frames == 0) throw new VideoException($"{input}: ffmpeg decoded no frames ({reader.Errors}).");
        await writer.CompleteAsync(ct);
        var seconds = clock.Elapsed.TotalSeconds;
        var tracks = swappedFrames.Keys.Order().Select(id => new TrackReport(id, firstFrame[id], swappedFrames[id],
            similarity.TryGetValue(id, out var s) && s.Count > 0 ? s.Average() : null, similarity.GetValueOrDefault(id)?.Count ?? 0, occludedFrames.GetValueOrDefault(id), classifiedFrames.GetValueOrDefault(id))).ToList();
        return new VideoSwapReport(output, frames, withSwap, seconds, frames / seconds, info.HasAudio, tracks,
            stages.Concat(parts.Select(kv => KeyValuePair.Create("swap:" + kv.Key, kv.Value))).ToDictionary(kv => kv.Key, kv => kv.Value / frames));
    }

    /// <summary>Stage one: decodes, tracks, picks the faces to swap and routes each; completes the channel at the end or with the error.</summary>
    async Task TrackAsync(VideoFrameReader reader, VideoSwapOptions options, ChannelWriter<TrackedFrame> output, CancellationToken ct)
    {
        try
        {
            var tracker = new FaceTracker(engine, options.DetectEvery);
            var verdicts = new Dictionary<int, (Occlusion Kind, FaceAppearance Look, int Frame)>();
            var person = new ChosenPerson(engine.Identity);
            var clock = Stopwatch.StartNew();
            for (var index = 0; ; index++)
            {
                clock.Restart();
                var frame = await reader.ReadAsync(ct);
                var decodeWait = clock.Elapsed.TotalMilliseconds;
                if (frame is null) break;
                clock.Restart();
                // One person: only their tracks get a mesh each frame; until they are chosen, every face does.
                var visible = await tracker.UpdateAsync(frame, index, ct, options.AllFaces || !person.IsChosen ? null : person.Tracks.Contains);
                if (!options.AllFaces)
                {
                    if (!person.IsChosen) await person.ChooseAsync(frame, visible, ct);
                    else if (index % Math.Max(1, options.DetectEvery) == 0) await person.UpdateAsync(frame, visible, ct);
                }
                var trackMs = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                var faces = new List<TrackedFace>();
                foreach (var track in visible.Where(t => (options.AllFaces || person.Tracks.Contains(t.Id)) && t.Mesh is not null))
                {
                    if (FaceSwapper.CutByFrame(track.Mesh!, frame.Width, frame.Height) is not null) continue;   // left as filmed, never a broken face
                    var (occluded, classified) = (false, false);
                    if (options.Route)
                    {
                        var look = FaceAppearance.Of(frame, track.Mesh!);
                        if (!verdicts.TryGetValue(track.Id, out var last) || index - last.Frame >= Math.Max(1, options.ClassifyAtLeastEvery) || look.ChangedSince(last.Look))
                        {
                            verdicts[track.Id] = last = ((await OcclusionClassifier.ClassifyAsync(engine, parser!, frame, track.Face, track.Mesh, ct)).Kind, look, index);
                            classified = true;
                        }
                        occluded = last.Kind != Occlusion.None;
                    }
                    faces.Add(new TrackedFace(track.Id, track.Face, track.Mesh!, occluded ? options.OccludedSwap : options.Swap, occluded, classified));
                }
                await output.WriteAsync(new TrackedFrame(frame, faces, decodeWait, trackMs, clock.Elapsed.TotalMilliseconds), ct);
            }
            output.TryComplete();
        }
        catch (Exception e) { output.TryComplete(e is OperationCanceledException ? null : e); }
    }
}
