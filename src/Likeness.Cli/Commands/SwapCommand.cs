using System.CommandLine;
using System.Text.Json;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Pipelines;
using Likeness.Pipelines.Generation;
using Likeness.Pipelines.Swap;
using Likeness.Pipelines.Swap.Video;
using Likeness.Pipelines.Themes;
using Likeness.Vision.Faces.Landmarks;
using Likeness.Vision.Identity;
using Likeness.Vision.Parsing;
using Spectre.Console;

namespace Likeness.Cli.Commands;

/// <summary><c>likeness swap --source PHOTO|DIR --target IMAGE --out FILE</c>: the local, geometric face swap.</summary>
public static class SwapCommand
{
    public static Command Create()
    {
        var source = new Option<string>("--source") { Description = "A photo of the person, or a folder of their photos (the most frontal gives the face; all give the identity).", Required = true };
        var target = new Option<string>("--target") { Description = "The image or video (.mp4, .mov, .mkv, .webm, .avi) whose face(s) are replaced.", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write the result (.png, .jpg or .webp; .mp4 for a video target).", Required = true };
        var face = new Option<int[]>("--face") { Description = "Which target face(s), 0 = largest (as `likeness analyze` lists them); default the largest.", AllowMultipleArgumentsPerToken = true };
        var all = new Option<bool>("--all") { Description = "Replace every face in the target." };
        var masks = new Option<string>("--mask") { Description = "Masks combined by minimum: box, occlusion, area, region (comma-separated).", DefaultValueFactory = _ => "box,occlusion" };
        var areas = new Option<string>("--areas") { Description = $"For the area mask: {string.Join(", ", MeshAreas.All.Select(MeshAreas.Name))}.", DefaultValueFactory = _ => string.Join(",", MeshAreas.All.Select(MeshAreas.Name)) };
        var regions = new Option<string>("--regions") { Description = "For the region mask: skin, hair.", DefaultValueFactory = _ => "skin" };
        var saveMasks = new Option<string?>("--save-masks") { Description = "Also write every mask of every face to this folder (white = swapped)." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var engineChoice = new Option<string>("--engine")
        {
            Description = "local: the geometric swap on this machine (offline). provider: a cloud provider's learned swap (fal-ai/face-swap; needs FAL_KEY), " +
                "judged by the local likeness gate before it is written.",
            DefaultValueFactory = _ => "local",
        };
        engineChoice.AcceptOnlyFromAmong("local", "provider");
        var engineOptions = new EngineCliOptions();
        var generation = new GenerationCliOptions();
        var command = new Command("swap", "Put the source person's face onto faces in the target image (local, geometric: mesh warp, Lab colour match, multi-band blend inside FaceFusion-style masks); reports identity similarity per face.")
        {
            source, target, output, face, all, masks, areas, regions, saveMasks, json, engineChoice,
        };
        engineOptions.AddTo(command);
        generation.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var masksGiven = parse.GetResult(masks) is { Implicit: false };
                var options = SwapOptions.FromNames(masksGiven ? Split(parse.GetValue(masks)!) : null, Split(parse.GetValue(areas)!), Split(parse.GetValue(regions)!)) with
                {
                    FaceIndices = parse.GetValue(face) ?? [],
                    AllFaces = parse.GetValue(all),
                    KeepMasks = parse.GetValue(saveMasks) is not null,
                };
                var sourcePath = parse.GetValue(source)!;
                var files = Directory.Exists(sourcePath) ? ReferencePhotos.InFolder(sourcePath)
                    : File.Exists(sourcePath) ? [sourcePath]
                    : throw new ArgumentException($"{sourcePath}: no such photo or folder.");
                if (files.Count == 0) throw new ArgumentException($"{sourcePath} holds no .jpg, .jpeg, .png or .webp photos.");
                var targetPath = parse.GetValue(target)!;
                var isVideo = Ffmpeg.LooksLikeVideo(targetPath);
                if (isVideo) await Ffmpeg.ProbeAsync(targetPath, ct);   // a clear error before any model loads
                var (engine, lifetime) = engineOptions.Create(parse);
                using var _ = lifetime;
                var parser = new SkinClothesHairParser(engine.Sessions);
                // The provider is given the photo itself: marking what covers the face in the texture (a parser run) is for the local warp only.
                var swapSource = await SwapSource.FromPhotosAsync(engine, files.Select(f => (Path.GetFileName(f), EncodedImage.FromFile(f).Decode())).ToList(),
                    parse.GetValue(engineChoice) == "provider" ? null : parser, ct);
                if (parse.GetValue(engineChoice) == "provider")
                {
                    if (isVideo) throw new ArgumentException("--engine provider swaps faces in images; a video is swapped frame by frame by the local engine (leave out --engine).");
                    return await ProviderSwapAsync(parse, generation, engine, swapSource, EncodedImage.FromFile(targetPath).Decode(), options, parse.GetValue(output)!, parse.GetValue(json), ct);
                }
                var swapper = new FaceSwapper(engine, parser);
                if (isVideo)
                {
                    var videoOptions = VideoSwapOptions.For(masksGiven ? options : null, parse.GetValue(all));
                    var videoReport = await VideoCli.RunAsync(engine, swapper, parser, swapSource, targetPath, parse.GetValue(output)!, videoOptions, parse.GetValue(json), ct);
                    return 0;
                }
                var targetImage = EncodedImage.FromFile(targetPath).Decode();
                var result = await swapper.SwapAsync(swapSource, targetImage, options, null, ct);
                ImageCodec.Save(result.Image, parse.GetValue(output)!);
                if (parse.GetValue(saveMasks) is { } dir)
                {
                    Directory.CreateDirectory(dir);
                    foreach (var (name, plane) in result.Masks) ImageCodec.Save(ThemeApplication.MaskImage(plane), Path.Combine(dir, name + ".png"));
                }
                Report(parse.GetValue(json), swapSource, result, parse.GetValue(output)!);
                return 0;
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("likeness swap: canceled; nothing was written.");
                return 130;
            }
            catch (Exception e) when (e is LikenessException or ArgumentException or IOException or InvalidOperationException or Models.ModelUnavailableException or Providers.ProviderException)
            {
                Console.Error.WriteLine($"likeness swap: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    static async Task<int> ProviderSwapAsync(ParseResult parse, GenerationCliOptions generation, VisionEngine engine, SwapSource source, RgbaImage target,
        SwapOptions options, string output, bool json, CancellationToken ct)
    {
        if (generation.Create(parse, engine) is not { } session) return 2;
        try
        {
            var result = await new ProviderFaceSwap(engine, session.Generator).SwapAsync(source, target, options, session.Context, generation.Route(parse), null, ct);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            ImageCodec.Save(result.Swap.Image, output);
            if (!json) GateTable.Print("swap gate", result.Attempts.Select(a => ("face", AttemptReport.From(a))));
            Report(json, source, result.Swap, output, result.Attempts);
            return 0;
        }
        catch (GenerationFailedException e)
        {
            if (json) Console.WriteLine(JsonSerializer.Serialize(new { error = e.Message, attempts = AttemptReport.From(e.Attempts) }, ReportJson.Options));
            else GateTable.Print("swap gate", e.Attempts.Select(a => ("face", AttemptReport.From(a))));
            Console.Error.WriteLine($"likeness swap: {e.Message}. Nothing was written.");
            return 1;
        }
    }

    static string[] Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    static void Report(bool json, SwapSource source, SwapResult result, string output, IReadOnlyList<GenerationAttempt>? attempts = null)
    {
        var faces = result.Faces.Select(f => new
        {
            index = f.Index, box = new { x = f.Box.X, y = f.Box.Y, width = f.Box.Width, height = f.Box.Height },
            similarityToSource = f.SimilarityToSource, similarityToTarget = f.SimilarityToTarget, threshold = f.Threshold,
            takesSourceIdentity = f.TakesSourceIdentity, maskCoverage = f.MaskCoverage, timingsMs = f.TimingsMs,
        });
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                output, engine = attempts is null ? "local" : "provider", source = new { photo = source.Name, yaw = source.Pose.Yaw, photos = source.PhotosUsed },
                facesInTarget = result.FacesInTarget, faces, skipped = result.Skipped,
                attempts = attempts is null ? null : AttemptReport.From(attempts), estimatedUsd = attempts?.Sum(a => a.EstimatedUsd),
            }, ReportJson.Options));
            return;
        }
        AnsiConsole.MarkupLine($"source: {Markup.Escape(source.Name)} (yaw {source.Pose.Yaw:+0;-0}°, identity from {source.PhotosUsed} photo(s)); target has {result.FacesInTarget} face(s)");
        foreach (var f in result.Faces)
        {
            var verdict = f.TakesSourceIdentity ? "[green]reads as the source[/]" : "[yellow]does not read as the source[/]";
            AnsiConsole.MarkupLine($"face {f.Index}: similarity to source {f.SimilarityToSource:0.00}, to the original {f.SimilarityToTarget:0.00} (threshold {f.Threshold:0.000}) {verdict}; " +
                (attempts is null ? $"mask covers {f.MaskCoverage:P0} of the face; " : "swapped by the provider; ") + string.Join(", ", f.TimingsMs.Select(t => $"{t.Key} {t.Value:0} ms")));
        }
        if (attempts is not null) AnsiConsole.MarkupLine($"{attempts.Count} provider call(s), estimated ${attempts.Sum(a => a.EstimatedUsd):0.00}");
        foreach (var skipped in result.Skipped) AnsiConsole.MarkupLine($"[yellow]not swapped:[/] {Markup.Escape(skipped)}");
        AnsiConsole.MarkupLine($"written to {Markup.Escape(output)}");
    }
}

/// <summary>The video half of `likeness swap`: a progress bar with frames per second and time left, then the report.</summary>
static class VideoCli
{
    public static async Task<VideoSwapReport> RunAsync(VisionEngine engine, FaceSwapper swapper, SkinClothesHairParser parser, SwapSource source, string input, string output,
        VideoSwapOptions options, bool json, CancellationToken ct)
    {
        var videoSwapper = new VideoSwapper(engine, swapper, parser);
        VideoSwapReport? report = null;
        if (json || Console.IsErrorRedirected && Console.IsOutputRedirected)
            report = await videoSwapper.SwapAsync(source, input, output, options, null, ct);
        else
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask("swapping");
                    var progress = new Progress<VideoProgress>(p =>
                    {
                        if (p.TotalFrames is { } total) task.MaxValue = total;
                        task.Value = p.Frame;
                        task.Description = $"frame {p.Frame}{(p.TotalFrames is { } t ? "/" + t : "")} at {p.FramesPerSecond:0.0} fps";
                    });
                    report = await videoSwapper.SwapAsync(source, input, output, options, progress, ct);
                    task.Value = task.MaxValue;
                });
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(report, ReportJson.Options));
            return report!;
        }
        AnsiConsole.MarkupLine($"{report!.Frames} frames ({report.FramesWithSwap} with a swapped face) in {report.Seconds:0.0} s = {report.FramesPerSecond:0.0} fps; audio {(report.AudioCopied ? "copied" : "none in the input")}");
        foreach (var t in report.Tracks)
            AnsiConsole.MarkupLine($"track {t.Id} (from frame {t.FirstFrame}): {t.FramesSwapped} frames ({t.FramesOccluded} routed to the occlusion path, classified on {t.FramesClassified}); similarity to the source {(t.MeanSimilarityToSource is { } s ? s.ToString("0.00") : "n/a")} over {t.Sampled} sampled frames");
        AnsiConsole.MarkupLine($"per frame: {string.Join(", ", report.StageMillisecondsPerFrame.Select(kv => $"{kv.Key} {kv.Value:0.0} ms"))}");
        AnsiConsole.MarkupLine($"written to {Markup.Escape(output)}");
        return report;
    }
}
