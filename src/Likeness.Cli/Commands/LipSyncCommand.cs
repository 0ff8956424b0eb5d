using System.CommandLine;
using Likeness.Pipelines.Swap.Video;
using Likeness.Providers;

namespace Likeness.Cli.Commands;

/// <summary><c>likeness lipsync --video V --audio A --identity PHOTOS --out out.mp4</c>: the mouth re-timed to the audio by a provider, the person checked in every sampled frame.</summary>
public static class LipSyncCommand
{
    public static Command Create()
    {
        var video = new Option<string>("--video") { Description = "The video of the person (.mp4, .mov or .webm), e.g. from `likeness animate`.", Required = true };
        var audio = new Option<string>("--audio") { Description = "The speech (.wav, .mp3, .m4a, .ogg or .flac); the video ends with the shorter of the two.", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write the video (.mp4).", Required = true };
        var identity = VideoGenerationCli.Identity(required: true);
        var attempts = VideoGenerationCli.Attempts();
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var engineOptions = new EngineCliOptions();
        var generation = new GenerationCliOptions();
        var command = new Command("lipsync", "Lip-sync a video of the person to speech through a provider (fal.ai sync-lipsync); delivered only when the person " +
            "stays themselves in the sampled frames.") { video, audio, output, identity, attempts, json };
        engineOptions.AddTo(command);
        generation.AddTo(command);
        command.SetAction((parse, ct) => VideoGenerationCli.GuardAsync("lipsync", async () =>
        {
            var videoPath = parse.GetValue(video)!;
            var audioPath = parse.GetValue(audio)!;
            var videoInput = VideoGenerationCli.Media(videoPath, "video");
            var audioInput = VideoGenerationCli.Media(audioPath, "audio");
            var videoSeconds = (await Ffmpeg.ProbeAsync(videoPath, ct)).Duration;   // clear errors before any model loads or call is paid
            var audioSeconds = await Ffmpeg.ProbeAudioAsync(audioPath, ct);
            var (engine, lifetime) = engineOptions.Create(parse);
            using var _ = lifetime;
            var template = await VideoGenerationCli.IdentityAsync(engine, parse.GetValue(identity)!, ct);
            if (generation.Create(parse, engine) is not { } session) return 2;
            var request = new GenerationRequest
            {
                Operation = GenerationOperation.LipSync, Video = videoInput, Audio = audioInput, Route = generation.Route(parse),
                DurationSeconds = Math.Round(videoSeconds > 0 ? Math.Min(videoSeconds, audioSeconds) : audioSeconds, 2),
            };
            return await VideoGenerationCli.RunAsync("lipsync", session, request, template, engine, parse.GetValue(attempts), parse.GetValue(output)!, parse.GetValue(json), ct);
        }));
        return command;
    }
}
