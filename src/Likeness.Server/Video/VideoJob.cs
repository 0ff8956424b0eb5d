using System.Text.Json;
using Likeness.Jobs;
using Likeness.Pipelines;
using Likeness.Pipelines.Generation;
using Likeness.Pipelines.Swap.Video;
using Likeness.Providers;
using Likeness.Providers.Outputs;
using Likeness.Server.Api;
using Likeness.Server.Assets;
using Likeness.Server.Blobs;
using Likeness.Server.Data;
using Likeness.Server.Generation;
using Likeness.Server.Identities;
using Likeness.Vision.Identity;
using Microsoft.EntityFrameworkCore;

namespace Likeness.Server.Video;

/// <summary>
/// `video` input: `operation` "image-to-video" (`imageAssetId` as the first frame, `prompt`, `seconds` 5 or 10) or
/// "lip-sync" (`videoAssetId`, `audioAssetId`); `identityId` is the person every sampled frame must show.
/// </summary>
public sealed record VideoInput(string Operation, Guid IdentityId, Guid? ImageAssetId = null, string? Prompt = null, int Seconds = 5,
    Guid? VideoAssetId = null, Guid? AudioAssetId = null, string? Route = null, int? Attempts = null)
{
    public GenerationOperation Op => Operation == "lip-sync" ? GenerationOperation.LipSync : GenerationOperation.ImageToVideo;
}

/// <summary>`video`: a provider's image-to-video or lip-sync, delivered as a VIDEO asset only when the video gate passes it.</summary>
public sealed class VideoKind(IDbContextFactory<LikenessDb> dbFactory, IEnumerable<IGenerativeProvider> providers) : IJobKind
{
    public const string Name = "video";
    public string Kind => Name;
    public IReadOnlyList<string> Steps { get; } = ["video"];
    public int InvalidInputStatus => 422;

    public async Task<string?> ValidateAsync(JsonElement input, JobOwner owner, CancellationToken ct)
    {
        VideoInput? parsed;
        try { parsed = input.Deserialize<VideoInput>(Json.Options); }
        catch (JsonException e) { return $"is not a video input ({{\"operation\": \"image-to-video\" or \"lip-sync\", \"identityId\", \"imageAssetId\", \"prompt\", \"seconds\", \"videoAssetId\", \"audioAssetId\"}}): {ProblemExceptionHandler.Describe(e)}"; }
        if (parsed is null) return "is empty.";
        if (parsed.Operation is not ("image-to-video" or "lip-sync")) return $"`operation` '{parsed.Operation}' is not known; use \"image-to-video\" or \"lip-sync\".";
        if (parsed.IdentityId == Guid.Empty) return "needs `identityId`: the person every frame of the video is checked against.";
        if (parsed.Attempts is < 1 or > 3) return "`attempts` must be 1..3 (each video is paid).";
        var named = new List<(string Field, Guid? Id, string Kind)>();
        if (parsed.Op == GenerationOperation.ImageToVideo)
        {
            if (parsed.ImageAssetId is null || string.IsNullOrWhiteSpace(parsed.Prompt)) return "`image-to-video` needs `imageAssetId` (the first frame) and `prompt` (the motion).";
            if (parsed.Seconds is not (5 or 10)) return "`seconds` must be 5 or 10.";
            named.Add(("imageAssetId", parsed.ImageAssetId, "image/"));
        }
        else
        {
            if (parsed.VideoAssetId is null || parsed.AudioAssetId is null) return "`lip-sync` needs `videoAssetId` (upload as VIDEO) and `audioAssetId` (upload as VOICE_SAMPLE).";
            named.Add(("videoAssetId", parsed.VideoAssetId, "video/"));
            named.Add(("audioAssetId", parsed.AudioAssetId, "audio/"));
        }
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (!await db.Identities.AnyAsync(i => i.Id == parsed.IdentityId && i.OwnerId == owner.UserId, ct))
                throw new UnknownReferenceException($"`identityId` {parsed.IdentityId} does not exist for this user; GET /identities lists yours.");
            if (!await db.IdentityPhotos.AnyAsync(p => p.IdentityId == parsed.IdentityId && p.CheckPassed, ct))
                return $"identity {parsed.IdentityId} has no accepted photos yet; the video gate needs them to know the person.";
        }
        if (await OwnedAssets.ProblemAsync(dbFactory, owner.UserId, named.Select(n => new AssetReference(n.Field, n.Id!.Value, false)).ToList(), ct) is { } problem) return problem;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            foreach (var (field, id, kind) in named)
            {
                var media = await db.Assets.Where(a => a.Id == id).Select(a => a.MediaType).SingleAsync(ct);
                if (!media.StartsWith(kind, StringComparison.Ordinal)) return $"`{field}` is {media}; it must be {kind.TrimEnd('/')}.";
            }
        }
        return GatedJobGeneration.OperationProblem(providers, parsed.Op, $"`{parsed.Operation}`");
    }
}

public sealed class VideoStep(VisionEngine engine, IDbContextFactory<LikenessDb> dbFactory, IBlobStore blobs, IOutputStore outputs, GatedJobGeneration generation) : IJobStepHandler
{
    public string Kind => VideoKind.Name;
    public string Name => "video";

    public async Task<JobStepResult> ExecuteAsync(JobStepContext context, CancellationToken ct)
    {
        var input = context.Input.Deserialize<VideoInput>(Json.Options) ?? throw new PermanentJobException("The job input is empty.");
        var identity = await TemplateAsync(input.IdentityId, ct);
        context.Progress.Report(0.05);
        var work = Directory.CreateTempSubdirectory("likeness-video-").FullName;
        var started = DateTime.UtcNow;
        try
        {
            var request = await RequestAsync(context, input, work, ct);
            var generationContext = await generation.ContextAsync(context, ct);
            var generator = new GatedVideoGenerator(generation.Service, outputs, new VideoLikenessGate(engine), input.Attempts ?? 2);
            context.Progress.Report(0.1);
            GatedVideoOutcome outcome;
            try { outcome = await generator.RunAsync(input.Operation, request, identity, generationContext, null, ct); }
            catch (VideoGenerationFailedException e) { throw new PermanentJobException(e.Message); }
            catch (ProviderException e) { throw GatedJobGeneration.JobError(e); }
            context.Progress.Report(0.9);
            var v = outcome.Winner.Verdict;
            Guid asset;
            await using (var video = await outputs.OpenAsync(outcome.Video.Key, ct) ?? throw new InvalidOperationException($"Provider output {outcome.Video.Key} vanished before it became an asset."))
                asset = await context.Artifacts.SaveAssetAsync(video, new NewJobAsset("VIDEO", "videos", $"{input.Operation}.mp4", outcome.Video.ContentType, v.Width, v.Height, input.IdentityId), ct);
            var output = new
            {
                assetId = asset, operation = input.Operation, provider = outcome.Winner.Provider, model = outcome.Winner.Model,
                seconds = v.Seconds, hasAudio = v.HasAudio, estimatedUsd = outcome.TotalUsd, attempts = outcome.Attempts,
            };
            return new JobStepResult(JsonSerializer.SerializeToElement(output, Json.Options), [asset], await generation.CostAsync(context.StepId, started, CancellationToken.None));
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }

    async Task<IdentityTemplate> TemplateAsync(Guid identityId, CancellationToken ct)
    {
        var embeddings = new List<FaceEmbedding>();
        foreach (var (_, photo) in await IdentityPhotoFiles.LoadAsync(dbFactory, blobs, identityId, null, ct))
            if ((await engine.Identity.EmbedDominantFaceAsync(photo.Decode(), ct)).Embedding is { } e) embeddings.Add(e);
        return embeddings.Count > 0 ? IdentityTemplate.FromEmbeddings(embeddings)
            : throw new PermanentJobException($"Identity {identityId} has no photo with a usable face any more; add photos of the person.");
    }

    static async Task<GenerationRequest> RequestAsync(JobStepContext context, VideoInput input, string work, CancellationToken ct)
    {
        if (input.Op == GenerationOperation.ImageToVideo)
        {
            var (image, type) = await ReadAsync(context, input.ImageAssetId!.Value, ct);
            return new GenerationRequest
            {
                Operation = GenerationOperation.ImageToVideo, Prompt = input.Prompt, Image = MediaInput.FromBytes(image, type), DurationSeconds = input.Seconds, Route = input.Route,
            };
        }
        var (video, videoType) = await ReadAsync(context, input.VideoAssetId!.Value, ct);
        var (audio, audioType) = await ReadAsync(context, input.AudioAssetId!.Value, ct);
        // Priced per second of the result, which ends with the shorter input: both are measured before anything is paid.
        var videoPath = Path.Combine(work, "input.video");
        var audioPath = Path.Combine(work, "input.audio");
        await File.WriteAllBytesAsync(videoPath, video, ct);
        await File.WriteAllBytesAsync(audioPath, audio, ct);
        double seconds;
        try { seconds = Math.Min((await Ffmpeg.ProbeAsync(videoPath, ct)).Duration, await Ffmpeg.ProbeAudioAsync(audioPath, ct)); }
        catch (VideoException e) { throw new PermanentJobException(e.Message); }
        return new GenerationRequest
        {
            Operation = GenerationOperation.LipSync, Video = MediaInput.FromBytes(video, videoType), Audio = MediaInput.FromBytes(audio, audioType),
            DurationSeconds = Math.Round(Math.Max(0.1, seconds), 2), Route = input.Route,
        };
    }

    static async Task<(byte[] Bytes, string MediaType)> ReadAsync(JobStepContext context, Guid id, CancellationToken ct)
    {
        var info = await context.Artifacts.FindAssetAsync(id, ct) ?? throw new PermanentJobException($"Asset {id} no longer exists.");
        await using var stream = await context.Artifacts.OpenAssetAsync(id, ct);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return (buffer.ToArray(), info.MediaType);
    }
}
