using Likeness.Pipelines.Swap.Video;
using Likeness.Vision.Identity;

namespace Likeness.Pipelines.Generation;

/// <summary>The gate's verdict on a generated video: what was sampled, how many frames showed a face, and how alike it was.</summary>
public sealed record VideoVerdict(bool Passed, string Summary)
{
    public int Width { get; init; }
    public int Height { get; init; }
    public double Seconds { get; init; }
    public bool HasAudio { get; init; }
    public int FramesSampled { get; init; }
    public int FramesWithFace { get; init; }
    public int FramesAlike { get; init; }
    public float? MedianSimilarity { get; init; }
    public float? LowestSimilarity { get; init; }
    public float Threshold { get; init; }
    /// <summary>Time of the first sampled frame whose face is someone else (identity drift).</summary>
    public double? DriftAtSecond { get; init; }
}

/// <summary>
/// Judges a generated video (image-to-video, lip-sync) frame by frame with the local engine: a few frames a second (fewer
/// on a long video, at most <see cref="VideoGateRules.MaxSamples"/> in all) are sampled, and the person must be visible in most of them and be the identity in nearly all of those. A video that
/// starts as the person and morphs into someone else fails with the second it drifts.
/// </summary>
public sealed class VideoLikenessGate(VisionEngine engine, VideoGateRules? rules = null)
{
    public VideoGateRules Rules { get; } = rules ?? new VideoGateRules();

    public async Task<VideoVerdict> JudgeAsync(string video, IdentityTemplate identity, CancellationToken ct = default)
    {
        VideoInfo info;
        try { info = await Ffmpeg.ProbeAsync(video, ct); }
        catch (VideoException e) { return new VideoVerdict(false, $"the output is not a playable video: {e.Message}"); }
        var fps = info.Fps > 0 ? info.Fps : 25;
        // SamplesPerSecond, spread wider on a long video so that MaxSamples reach its end (a minute of lip-sync is judged
        // whole, not by its first 12 s).
        var frames = info.FrameCount ?? (int)Math.Ceiling(info.Duration * fps);
        int every = Math.Max(Math.Max(1, (int)Math.Round(fps / Rules.SamplesPerSecond)), (int)Math.Ceiling(frames / (double)Rules.MaxSamples));
        var similarities = new List<(double Second, float Similarity)>();
        int sampled = 0, frameNumber = 0;
        float threshold = engine.Identity.Settings.Threshold;
        await using (var reader = new VideoFrameReader(video, info))
        {
            while (sampled < Rules.MaxSamples && await reader.ReadAsync(ct) is { } frame)
            {
                if (frameNumber++ % every != 0) continue;
                sampled++;
                var embedded = await engine.Identity.EmbedDominantFaceAsync(frame, ct);
                if (embedded.Embedding is null) continue;
                var verdict = engine.Identity.Compare(identity, embedded.Embedding);
                threshold = verdict.Threshold;
                similarities.Add(((frameNumber - 1) / fps, verdict.Similarity));
            }
        }
        var common = new VideoVerdict(false, "") { Width = info.Width, Height = info.Height, Seconds = Math.Round(info.Duration, 2), HasAudio = info.HasAudio, FramesSampled = sampled, Threshold = threshold };
        if (sampled == 0) return common with { Summary = "the video has no frames" };
        if (similarities.Count < Math.Ceiling(sampled * Rules.MinFaceShare))
            return common with
            {
                FramesWithFace = similarities.Count,
                Summary = $"the person's face is visible in only {similarities.Count} of {sampled} sampled frames (at least {Rules.MinFaceShare:P0} wanted)",
            };
        var ordered = similarities.Select(s => s.Similarity).Order().ToList();
        float median = ordered[ordered.Count / 2], lowest = ordered[0];
        int alike = similarities.Count(s => s.Similarity >= threshold);
        var drift = similarities.FirstOrDefault(s => s.Similarity < threshold);
        var judged = common with
        {
            FramesWithFace = similarities.Count, FramesAlike = alike, MedianSimilarity = MathF.Round(median, 3), LowestSimilarity = MathF.Round(lowest, 3),
            DriftAtSecond = alike < similarities.Count ? Math.Round(drift.Second, 2) : null,
        };
        if (median < threshold)
            return judged with { Summary = $"the video shows someone else: median identity similarity {median:0.00} is below the calibrated {threshold:0.00}" };
        if (alike < Math.Ceiling(similarities.Count * Rules.MinAlikeShare))
            return judged with
            {
                Summary = $"the face drifts into someone else: {similarities.Count - alike} of {similarities.Count} frames with a face are below {threshold:0.00}, first at {drift.Second:0.0} s",
            };
        return judged with { Passed = true, Summary = $"passed: {alike} of {similarities.Count} frames read as the person (median similarity {median:0.00})" };
    }
}

public sealed record VideoGateRules
{
    public double SamplesPerSecond { get; init; } = 3;
    public int MaxSamples { get; init; } = 36;
    /// <summary>Share of sampled frames that must show a face at all.</summary>
    public double MinFaceShare { get; init; } = 0.5;
    /// <summary>Share of the frames with a face that must read as the person.</summary>
    public double MinAlikeShare { get; init; } = 0.8;
}
