using System.CommandLine;
using Likeness.Pipelines.Swap.Video;
using Likeness.Providers;

namespace Likeness.Cli.Commands;

/// <summary><c>likeness animate --image PHOTO --prompt "..." --out clip.mp4</c>: image-to-video by a provider, every frame checked to be the person.</summary>
public static class AnimateCommand
{
    public static Command Create()
    {
        var image = new Option<string>("--image") { Description = "The first frame: a photo of the person (a composed or generated image works too).", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "The motion, e.g. \"she turns toward the camera and smiles\".", Required = true };
        var seconds = new Option<int>("--seconds") { Description = "Length of the video: 5 or 10 seconds (kling-video's lengths).", DefaultValueFactory = _ => 5 };
        seconds.AcceptOnlyFromAmong("5", "10");
        var output = new Option<string>("--out") { Description = "Where to write the video (.mp4).", Required = true };
        var identity = VideoGenerationCli.Identity(required: false);
        var attempts = VideoGenerationCli.Attempts();
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var engineOptions = new EngineCliOptions();
        var generation = new GenerationCliOptions();
        var command = new Command("animate", "Animate a photo into a short video through a provider (fal.ai kling-video); the video is delivered only when the person " +
            "stays themselves in the sampled frames.") { image, prompt, seconds, output, identity, attempts, json };
        engineOptions.AddTo(command);
        generation.AddTo(command);
        command.SetAction((parse, ct) => VideoGenerationCli.GuardAsync("animate", async () =>
        {
            var first = VideoGenerationCli.Media(parse.GetValue(image)!, "image");
            var (engine, lifetime) = engineOptions.Create(parse);
            using var _ = lifetime;
            var template = await VideoGenerationCli.IdentityAsync(engine, parse.GetValue(identity) ?? parse.GetValue(image)!, ct);
            if (generation.Create(parse, engine) is not { } session) return 2;
            var request = new GenerationRequest
            {
                Operation = GenerationOperation.ImageToVideo, Prompt = parse.GetValue(prompt), Image = first,
                DurationSeconds = parse.GetValue(seconds), Route = generation.Route(parse),
            };
            return await VideoGenerationCli.RunAsync("animate", session, request, template, engine, parse.GetValue(attempts), parse.GetValue(output)!, parse.GetValue(json), ct);
        }));
        return command;
    }
}
