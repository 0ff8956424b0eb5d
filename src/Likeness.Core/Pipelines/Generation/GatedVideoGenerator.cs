using Likeness.Providers;
using Likeness.Providers.Outputs;
using Likeness.Vision.Identity;

namespace Likeness.Pipelines.Generation;

/// <summary>One paid video attempt and the gate's verdict on the frames it returned.</summary>
public sealed record VideoAttempt(int Number, string Provider, string? Model, string? RequestId, string? Key, decimal EstimatedUsd, VideoVerdict Verdict);

public sealed record GatedVideoOutcome(StoredOutput Video, VideoAttempt Winner, IReadOnlyList<VideoAttempt> Attempts)
{
    public decimal TotalUsd => Attempts.Sum(a => a.EstimatedUsd);
}

/// <summary>No video passed the gate: every attempt's verdict, so a user sees why (someone else, face drifts, no face).</summary>
public sealed class VideoGenerationFailedException(string what, IReadOnlyList<VideoAttempt> attempts)
    : LikenessException($"{what}: none of {attempts.Count} generated video(s) passed the likeness gate: " +
        string.Join("; ", attempts.Select(a => $"attempt {a.Number}: {a.Verdict.Summary}")))
{
    public IReadOnlyList<VideoAttempt> Attempts { get; } = attempts;
}

/// <summary>
/// Image-to-video and lip-sync through the provider layer, each returned video judged by <see cref="VideoLikenessGate"/>
/// before it is delivered; a failed video is paid for but never handed out, and the call is made again up to
/// <c>maxAttempts</c> times. Provider failures (outage, auth, budget) propagate as they are.
/// </summary>
public sealed class GatedVideoGenerator(IGenerationService service, IOutputStore outputs, VideoLikenessGate gate, int maxAttempts = 2)
{
    public async Task<GatedVideoOutcome> RunAsync(string what, GenerationRequest request, IdentityTemplate identity, GenerationContext context,
        IProgress<string>? progress = null, CancellationToken ct = default)
    {
        if (request.Operation is not (GenerationOperation.ImageToVideo or GenerationOperation.LipSync))
            throw new ArgumentException($"{request.Operation} does not make a video.", nameof(request));
        var attempts = new List<VideoAttempt>();
        for (int n = 1; n <= maxAttempts; n++)
        {
            progress?.Report($"{what}: attempt {n} of {maxAttempts}, generating");
            var result = await service.RunAsync(request, context, ct);
            if (result.Videos.FirstOrDefault() is not { } video)
            {
                attempts.Add(new(n, result.Provider, result.Model, result.ProviderRequestId, null, result.EstimatedUsd, new VideoVerdict(false, $"{result.Provider} returned no video")));
                continue;
            }
            progress?.Report($"{what}: attempt {n} of {maxAttempts}, checking the frames");
            var temp = Path.Combine(Path.GetTempPath(), $"likeness-gate-{Guid.NewGuid():N}.mp4");
            try
            {
                await using (var stream = await outputs.OpenAsync(video.Key, ct) ?? throw new FileNotFoundException($"stored video {video.Key} is missing"))
                await using (var file = File.Create(temp))
                    await stream.CopyToAsync(file, ct);
                var verdict = await gate.JudgeAsync(temp, identity, ct);
                var attempt = new VideoAttempt(n, result.Provider, result.Model, result.ProviderRequestId, video.Key, result.EstimatedUsd, verdict);
                attempts.Add(attempt);
                progress?.Report($"{what}: attempt {n}: {verdict.Summary}");
                if (verdict.Passed) return new GatedVideoOutcome(video, attempt, attempts);
            }
            finally { File.Delete(temp); }
        }
        throw new VideoGenerationFailedException(what, attempts);
    }
}
