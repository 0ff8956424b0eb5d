using System.Diagnostics;
using System.Globalization;
using Likeness.Pipelines;
using Likeness.Pipelines.Swap;
using Likeness.Pipelines.Swap.Video;
using Likeness.Vision.Parsing;
using Xunit.Abstractions;

namespace Likeness.Tests.Pipelines;

/// <summary>Video swap through Debian's ffmpeg on real clips from ../shared/testdata/video.</summary>
public sealed class VideoSwapTests(ITestOutputHelper output) : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("likeness-video-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    static void RequireFfmpeg()
    {
        try { Ffmpeg.Find("ffmpeg"); Ffmpeg.Find("ffprobe"); }
        catch (VideoException e) { throw new Xunit.SkipException(e.Message); }
    }

    static async Task<(VisionEngine Engine, FaceSwapper Swapper, SwapSource Source)> SetUpAsync()
    {
        RequireFfmpeg();
        var engine = Engine.Require("skin-clothes-hair");
        var parser = new SkinClothesHairParser(engine.Sessions);
        var source = await SwapSource.FromPhotosAsync(engine, [("clooney", Engine.Shared("identity/george_clooney/img38.jpg").Decode())], parser);
        return (engine, new FaceSwapper(engine, parser), source);
    }

    [SkippableFact]
    public async Task A_720p_clip_comes_out_as_a_playable_mp4_with_every_frame_its_audio_and_the_source_face()
    {
        var (engine, swapper, source) = await SetUpAsync();
        var input = Support.TestPaths.TestDataFile("video/obama.mp4");
        var outFile = Path.Combine(dir, "out.mp4");
        var report = await new VideoSwapper(engine, swapper).SwapAsync(source, input, outFile, new VideoSwapOptions());
        output.WriteLine($"{report.Frames} frames, {report.FramesWithSwap} swapped, {report.FramesPerSecond:0.0} fps; tracks: {string.Join("; ", report.Tracks)}");

        var decoded = await CountFramesAsync(input);
        Assert.Equal(decoded, report.Frames);
        Assert.Equal(decoded, await CountFramesAsync(outFile));
        var (inInfo, outInfo) = (await Ffmpeg.ProbeAsync(input), await Ffmpeg.ProbeAsync(outFile));
        Assert.True(outInfo.HasAudio, "the audio was not copied");
        Assert.Equal("h264", outInfo.Codec);
        Assert.Equal((inInfo.Width, inInfo.Height), (outInfo.Width, outInfo.Height));
        Assert.InRange(outInfo.Duration, inInfo.Duration - 0.15, inInfo.Duration + 0.15);
        Assert.True(report.FramesWithSwap >= report.Frames * 0.9, $"only {report.FramesWithSwap} of {report.Frames} frames had the face swapped");
        var track = Assert.Single(report.Tracks);
        Assert.True(track.MeanSimilarityToSource >= engine.Identity.Settings.Threshold, $"the swapped face's similarity to the source is {track.MeanSimilarityToSource:0.00}");
        Assert.Empty(Directory.GetFiles(dir, ".*partial*"));
    }

    [SkippableFact]
    public async Task Routed_masks_agree_with_the_heavy_path_on_a_clear_face_and_the_sink_sees_every_report_frame()
    {
        var (engine, swapper, source) = await SetUpAsync();
        var parser = new SkinClothesHairParser(engine.Sessions);
        var input = Support.TestPaths.TestDataFile("video/obama.mp4");
        var fast = new SwapOptions { Masks = [SwapMaskKind.Box], Fast = true };
        var heavy = new SwapOptions { Masks = [SwapMaskKind.Box, SwapMaskKind.Occlusion] };
        var kept = new Dictionary<string, Dictionary<(int, int), Likeness.Imaging.FloatPlane>>();
        foreach (var (name, options) in new[] { ("heavy", new VideoSwapOptions { Swap = heavy, ReportEvery = 5 }), ("routed", new VideoSwapOptions { Swap = fast, OccludedSwap = heavy, Route = true, ReportEvery = 5 }) })
        {
            var masks = kept[name] = [];
            var report = await new VideoSwapper(engine, swapper, parser).SwapAsync(source, input, Path.Combine(dir, name + ".mp4"), options with { MaskSink = (f, t, m) => masks[(f, t)] = m });
            Assert.Equal(report.Tracks.Sum(t => t.Sampled), masks.Count);
        }
        var (width, height) = ((await Ffmpeg.ProbeAsync(input)).Width, (await Ffmpeg.ProbeAsync(input)).Height);
        Assert.All(kept["heavy"].Values, m => Assert.Equal((width, height), (m.Width, m.Height)));
        var ious = kept["routed"].Where(kv => kept["heavy"].ContainsKey(kv.Key)).Select(kv => Likeness.Cli.Bench.SwapBench.SoftIoU(kv.Value, kept["heavy"][kv.Key])).ToList();
        output.WriteLine($"routed vs heavy mask IoU over {ious.Count} face-frames: mean {ious.Average():0.000}, lowest {ious.Min():0.000}");
        Assert.True(ious.Count >= 5);
        // Nothing covers Obama's face: routing sends it down the fast path, whose box mask the occlusion mask barely trims.
        Assert.True(ious.Average() > 0.8, $"mean IoU {ious.Average():0.000}");
    }

    [SkippableTheory]
    [InlineData(90, 95, 105)]    // the labelled set's grey: about as bright as the skin it hides
    [InlineData(170, 200, 222)]  // a surgical mask's light blue
    public async Task A_bar_that_appears_mid_clip_is_routed_to_the_occlusion_path_from_its_first_frame(byte r, byte g, byte b)
    {
        var (engine, swapper, source) = await SetUpAsync();
        var parser = new SkinClothesHairParser(engine.Sessions);
        var input = Support.TestPaths.TestDataFile("video/obama.mp4");
        var info = await Ffmpeg.ProbeAsync(input);
        // The clip again, with a bar over nose and mouth (the labelled set's edit) from frame 25 on.
        const int from = 25;
        var barClip = Path.Combine(dir, "bar.mp4");
        var bars = new Dictionary<int, Likeness.Imaging.Rect>();
        await using (var reader = new VideoFrameReader(input, info))
        await using (var writer = new VideoFrameWriter(barClip, info, input))
        {
            var tracker = new FaceTracker(engine);
            for (var i = 0; await reader.ReadAsync(default) is { } frame; i++)
            {
                var faces = await tracker.UpdateAsync(frame, i, default);
                if (i >= from && faces.Count > 0) bars[i] = OcclusionClassifierTests.BarRect(faces[0].Mesh!);
                await writer.WriteAsync(bars.ContainsKey(i) ? OcclusionClassifierTests.PasteBar(frame, faces[0].Mesh!, new Likeness.Imaging.Rgba32(r, g, b)) : frame, default);
            }
            await writer.CompleteAsync(default);
        }

        // Only a change of look may trigger a new verdict here: no fixed schedule to fall back on.
        var options = new VideoSwapOptions { Route = true, ClassifyAtLeastEvery = 10_000 };
        var clean = await new VideoSwapper(engine, swapper, parser).SwapAsync(source, input, Path.Combine(dir, "clean.mp4"), options);
        var barred = await new VideoSwapper(engine, swapper, parser).SwapAsync(source, barClip, Path.Combine(dir, "barred.mp4"), options);
        var every = await new VideoSwapper(engine, swapper, parser).SwapAsync(source, barClip, Path.Combine(dir, "every.mp4"), options with { ClassifyAtLeastEvery = 1 });
        var (c, o) = (Assert.Single(clean.Tracks), Assert.Single(barred.Tracks));
        output.WriteLine($"clean: {c.FramesSwapped} frames, classified on {c.FramesClassified}, occluded {c.FramesOccluded}; " +
                         $"bar from frame {from}: {o.FramesSwapped} frames, classified on {o.FramesClassified}, occluded {o.FramesOccluded}; " +
                         $"classified on every frame: occluded {every.Tracks[0].FramesOccluded}");
        Assert.Equal(0, c.FramesOccluded);
        Assert.True(c.FramesClassified <= clean.Frames / 5, $"the clean clip was classified on {c.FramesClassified} of {clean.Frames} frames, no fewer than every 5th");
        var barFrames = barred.Frames - from;
        Assert.True(o.FramesOccluded >= barFrames - 1 && o.FramesOccluded <= barFrames, $"{o.FramesOccluded} frames took the occlusion path; the bar is on {barFrames}");
        // Classifying only on a change of look loses nothing against classifying every frame.
        Assert.InRange(every.Tracks[0].FramesOccluded, o.FramesOccluded - 1, o.FramesOccluded + 1);

        // And the occlusion path keeps the bar: its pixels come out as they went in, not painted over with a face.
        long onBar = 0, painted = 0;
        await using (var before = new VideoFrameReader(barClip, info))
        await using (var after = new VideoFrameReader(Path.Combine(dir, "barred.mp4"), info))
            for (var i = 0; await before.ReadAsync(default) is { } inFrame && await after.ReadAsync(default) is { } outFrame; i++)
            {
                if (!bars.TryGetValue(i, out var bar)) continue;
                for (var y = bar.Y + 3; y < bar.Bottom - 3; y++)
                    for (var x = bar.X + 3; x < bar.Right - 3; x++)
                    {
                        onBar++;
                        if (Distance(outFrame[x, y], inFrame[x, y]) > 24) painted++;
                    }
            }
        output.WriteLine($"bar pixels changed by the swap: {painted} of {onBar} ({(double)painted / onBar:P1})");
        Assert.True(bars.Count >= barFrames - 1, $"the bar was pasted on {bars.Count} frames");
        Assert.True(painted < onBar * 0.05, $"{painted} of {onBar} bar pixels were painted over");
    }

    static int Distance(Likeness.Imaging.Rgba32 a, Likeness.Imaging.Rgba32 b) => Math.Max(Math.Abs(a.R - b.R), Math.Max(Math.Abs(a.G - b.G), Math.Abs(a.B - b.B)));

    [SkippableFact]
    public async Task Canceling_mid_video_leaves_no_file()
    {
        var (engine, swapper, source) = await SetUpAsync();
        var outFile = Path.Combine(dir, "canceled.mp4");
        using var cts = new CancellationTokenSource();
        var progress = new SynchronousProgress(p => { if (p.Frame >= 10) cts.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new VideoSwapper(engine, swapper).SwapAsync(source, Support.TestPaths.TestDataFile("video/obama.mp4"), outFile, new VideoSwapOptions(), progress, cts.Token));
        Assert.Empty(Directory.GetFiles(dir));
    }

    [SkippableFact]
    public async Task Two_people_keep_their_track_ids_across_frames()
    {
        RequireFfmpeg();
        var engine = Engine.Require();
        var input = Support.TestPaths.TestDataFile("video/short_hamilton_clip.mp4");
        var info = await Ffmpeg.ProbeAsync(input);
        await using var reader = new VideoFrameReader(input, info);
        var tracker = new FaceTracker(engine);
        var seen = new List<IReadOnlyList<int>>();
        for (var i = 0; i < 40 && await reader.ReadAsync(default) is { } frame; i++)
            seen.Add((await tracker.UpdateAsync(frame, i, default)).Select(t => t.Id).Order().ToList());
        output.WriteLine(string.Join(" ", seen.Select(ids => "[" + string.Join(",", ids) + "]")));
        var ids = seen.SelectMany(x => x).Distinct().ToList();
        Assert.Equal(2, ids.Count);                                  // the singer and the pianist, never a third id
        Assert.True(seen.Count(f => f.Count == 2) >= 30, "both people were tracked in fewer than 30 of 40 frames");
    }

    [SkippableFact]
    public async Task The_chosen_person_is_found_again_after_a_scene_cut_and_nobody_else_is_swapped()
    {
        var (engine, swapper, source) = await SetUpAsync();
        var parser = new SkinClothesHairParser(engine.Sessions);
        // A wide shot of the singer (and the pianist, smaller), the pianist in profile, the singer in close-up from
        // about frame 90, the audience (Barack and Michelle Obama among them) from about frame 212.
        var report = await new VideoSwapper(engine, swapper, parser).SwapAsync(source, Support.TestPaths.TestDataFile("video/short_hamilton_clip.mp4"),
            Path.Combine(dir, "hamilton.mp4"), VideoSwapOptions.For(null, allFaces: false));
        output.WriteLine($"{report.FramesWithSwap} of {report.Frames} frames swapped; tracks: {string.Join("; ", report.Tracks)}");
        Assert.True(report.Tracks.Count >= 2, "the close-up after the cut was not taken for the same person");
        Assert.True(report.FramesWithSwap >= 180, $"only {report.FramesWithSwap} frames swapped (one track, before the cut, is 45)");
        Assert.All(report.Tracks, t => Assert.True(t.FirstFrame < 212, $"track {t.Id}, first seen at frame {t.FirstFrame} in the audience shot, was swapped"));
        Assert.All(report.Tracks, t => Assert.True(t.MeanSimilarityToSource >= engine.Identity.Settings.Threshold, $"track {t.Id}: {t.MeanSimilarityToSource:0.00}"));

        // The singer's microphone and hands come and go in front of his face: classifying on a change of look routes
        // about as many frames to the occlusion path as classifying every frame, on far fewer classifications.
        var every = await new VideoSwapper(engine, swapper, parser).SwapAsync(source, Support.TestPaths.TestDataFile("video/short_hamilton_clip.mp4"),
            Path.Combine(dir, "hamilton-every.mp4"), VideoSwapOptions.For(null, allFaces: false) with { ClassifyAtLeastEvery = 1 });
        var (onChange, onEvery) = (report.Tracks.Sum(t => t.FramesOccluded), every.Tracks.Sum(t => t.FramesOccluded));
        var classified = report.Tracks.Sum(t => t.FramesClassified);
        output.WriteLine($"occlusion path: {onChange} face-frames classifying on change ({classified} classifications), {onEvery} classifying every frame");
        Assert.True(classified <= report.FramesWithSwap / 3, $"classified on {classified} of {report.FramesWithSwap} face-frames");
        Assert.InRange(onChange, onEvery * 0.7, onEvery * 1.3);
    }

    [SkippableFact]
    public async Task Unreadable_files_and_a_missing_ffmpeg_get_errors_that_say_what_to_do()
    {
        RequireFfmpeg();
        var notVideo = Path.Combine(dir, "notes.mp4");
        await File.WriteAllTextAsync(notVideo, "this is not a video");
        var bad = await Assert.ThrowsAsync<VideoException>(() => Ffmpeg.ProbeAsync(notVideo));
        Assert.Contains("cannot be read as a video", bad.Message);
        Assert.Contains("MP4", bad.Message);
        var missing = Assert.Throws<VideoException>(() => Ffmpeg.Find("ffmpeg", dir));
        Assert.Contains("apt-get install ffmpeg", missing.Message);
        Assert.Contains("no such file", (await Assert.ThrowsAsync<VideoException>(() => Ffmpeg.ProbeAsync(Path.Combine(dir, "absent.mp4")))).Message);
    }

    static async Task<int> CountFramesAsync(string file)
    {
        var info = new ProcessStartInfo(Ffmpeg.Find("ffprobe"), ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", file])
        {
            RedirectStandardOutput = true, UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return int.Parse(text.Trim().TrimEnd(','), CultureInfo.InvariantCulture);
    }

    sealed class SynchronousProgress(Action<VideoProgress> report) : IProgress<VideoProgress>
    {
        public void Report(VideoProgress value) => report(value);
    }
}
