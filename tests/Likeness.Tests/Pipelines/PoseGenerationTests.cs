using System.Text.Json.Nodes;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Imaging.Transforms;
using Likeness.Pipelines.Generation;
using Likeness.Providers;
using Likeness.Providers.Fal;
using Likeness.Providers.Tests.Fakes;
using Likeness.Tests.Support;
using Likeness.Vision.Pose;
using Likeness.Vision.Pose.Templates;
using Xunit.Abstractions;

namespace Likeness.Tests.Pipelines;

/// <summary>
/// Pose-conditioned generation over real HTTP against a loopback fal.ai (fal-ai/flux-general with a pose ControlNet):
/// each call answers with a real photo the test picks — the dancer in her pose, the same photo mirrored, the dancer
/// for another pose, a golfer for the golf pose — and the gate re-extracts the pose and the identity from those pixels.
/// </summary>
public sealed class PoseGenerationTests(ITestOutputHelper output) : IAsyncLifetime
{
    const string Dancer = "fullbody/tf_pose/apink1.jpg";   // the bundled pose stage-arm-raised was extracted from this photo
    const string Golfer = "fullbody/tf_pose/golf.jpg";     // golf-swing
    const string LoraUrl = "https://example.invalid/dancer.safetensors";

    readonly Harness _harness = new();
    FakeFal _fal = null!;

    public async Task InitializeAsync()
    {
        _fal = await FakeFal.StartAsync(_harness.Clock);
        _fal.Script = ["COMPLETED"];
        _harness.AddFal(_fal);
    }

    public async Task DisposeAsync()
    {
        await _fal.DisposeAsync();
        _harness.Dispose();
    }

    async Task<(PoseGeneration Poses, PoseIdentity Dancer)> SetUpAsync(int attempts = 2)
    {
        var engine = Engine.Require("movenet-thunder");
        var gate = new GenerationGate(engine);
        var generator = new GatedGenerator(_harness.Service(), _harness.Store, gate, new GatedGenerationOptions { MaxAttempts = attempts }, _harness.Clock);
        var template = await GatePhotos.TemplateAsync(engine, Dancer);
        return (new PoseGeneration(generator), new PoseIdentity(template, [], new LoraWeight(LoraUrl, 0.9), "ohwx woman"));
    }

    void Log(PoseResult r)
    {
        foreach (var a in r.Attempts) output.WriteLine($"{r.Pose.Id} #{a.Number} {a.Provider}:{a.Model}: {a.Verdict.Summary} | {a.Verdict.PoseMatch}");
    }

    static byte[] Photo(string path, bool mirrored = false) =>
        mirrored ? GatePhotos.Png(TestModels.Photo(path).FlipHorizontal()) : GatePhotos.Raw(path);

    async Task<List<PoseResult>> RunAsync(PoseGeneration poses, PoseIdentity identity, params PoseJob[] jobs)
    {
        var results = new List<PoseResult>();
        await foreach (var r in poses.RunAsync(jobs, identity, _harness.Context(), longSide: 768)) { Log(r); results.Add(r); }
        return results;
    }

    [SkippableFact]
    public async Task The_dancer_in_her_pose_passes_and_fal_gets_the_skeleton_the_lora_and_the_pose_controlnet()
    {
        var (poses, dancer) = await SetUpAsync();
        _fal.ImageReplies.Enqueue(Photo(Dancer));

        var result = Assert.Single(await RunAsync(poses, dancer, new PoseJob(PoseCatalog.Bundled.Get("stage-arm-raised"), "on a concert stage")));

        Assert.NotNull(result.Image);
        var verdict = result.Winner!.Verdict;
        Assert.True(verdict.PoseMatch!.Score >= PoseGateThresholds.SamePose, verdict.PoseMatch.ToString());
        Assert.False(verdict.PoseMirrored);
        Assert.Contains(verdict.Findings, f => f.Check == GateChecks.BodyPose && f.Passed);
        Assert.Contains(verdict.Findings, f => f.Check == GateChecks.Identity && f.Passed);

        // What fal received: flux-general with the LoRA, a 16-aligned size at the pose's aspect and the pose ControlNet.
        var job = Assert.Single(_fal.Jobs.Values);
        Assert.Equal("fal-ai/flux-general", job.Model);
        Assert.Equal(LoraUrl, job.Input["loras"]![0]!["path"]!.GetValue<string>());
        int width = job.Input["image_size"]!["width"]!.GetValue<int>(), height = job.Input["image_size"]!["height"]!.GetValue<int>();
        Assert.Equal(768, height);
        Assert.Equal(0, width % 16);
        var union = job.Input["controlnet_unions"]![0]!;
        Assert.Equal(FalInputs.PoseControlNet, union["path"]!.GetValue<string>());
        Assert.Equal("pose", union["controls"]![0]!["control_mode"]!.GetValue<string>());
        Assert.Contains("ohwx woman", job.Input["prompt"]!.GetValue<string>());
        // The control image went through fal storage and is our OpenPose rendering of the template.
        var url = union["controls"]![0]!["control_image_url"]!.GetValue<string>();
        var control = ImageCodec.Decode(_fal.Uploads[url[(url.LastIndexOf('/') + 1)..]], "control");
        Assert.Equal((width, height), (control.Width, control.Height));
        var nose = PoseCatalog.Bundled.Get("stage-arm-raised").OnCanvas(width, height)[OpenPose18.Nose]!.Value;
        Assert.Equal(OpenPose18.Colours[OpenPose18.Nose], control[(int)MathF.Round(nose.X), (int)MathF.Round(nose.Y)]);
        Assert.Equal(new Rgba32(0, 0, 0), control[1, 1]);
    }

    [SkippableFact]
    public async Task A_mirrored_pose_is_caught_and_regenerated_with_left_and_right_restated()
    {
        var (poses, dancer) = await SetUpAsync();
        _fal.ImageReplies.Enqueue(Photo(Dancer, mirrored: true));
        _fal.ImageReplies.Enqueue(Photo(Dancer));

        var result = Assert.Single(await RunAsync(poses, dancer, new PoseJob(PoseCatalog.Bundled.Get("stage-arm-raised"), "on a concert stage")));

        Assert.Equal(2, result.Attempts.Count);
        var first = result.Attempts[0].Verdict;
        Assert.True(first.PoseMirrored, first.Summary);
        Assert.Contains("mirrored pose", first.Summary);
        Assert.True(result.Attempts[1].Passed);
        var prompts = _fal.Jobs.Values.OrderBy(j => j.Id).Select(j => j.Input["prompt"]!.GetValue<string>()).ToList();
        Assert.DoesNotContain("mirror", prompts[0]);
        Assert.Contains("NOT its mirror image", prompts[1]);
    }

    [SkippableFact]
    public async Task The_right_person_in_the_wrong_pose_and_the_right_pose_by_someone_else_both_fail()
    {
        var (poses, dancer) = await SetUpAsync(attempts: 2);
        // Golf pose asked; the dancer comes back twice: identity passes, the pose does not.
        _fal.ImageReplies.Enqueue(Photo(Dancer));
        _fal.ImageReplies.Enqueue(Photo(Dancer));
        // Dancer's pose asked; the golfer comes back in his own (golf) pose: the identity fails... and the pose too.
        _fal.ImageReplies.Enqueue(Photo(Golfer));
        _fal.ImageReplies.Enqueue(Photo(Golfer));
        // Golf pose asked; the golfer comes back in exactly that pose: the pose passes, the identity does not.
        _fal.ImageReplies.Enqueue(Photo(Golfer));
        _fal.ImageReplies.Enqueue(Photo(Golfer));

        var results = await RunAsync(poses, dancer,
            new PoseJob(PoseCatalog.Bundled.Get("golf-swing"), "on a golf course"),
            new PoseJob(PoseCatalog.Bundled.Get("stage-arm-raised"), "on a stage"),
            new PoseJob(PoseCatalog.Bundled.Get("golf-swing"), "on a golf course"));

        Assert.Equal(3, results.Count);
        Assert.All(results, r => Assert.Null(r.Image));
        Assert.All(results, r => Assert.NotNull(r.Failure));

        var wrongPose = results[0].Attempts[0].Verdict;
        Assert.True(wrongPose.Failed(GateChecks.BodyPose), wrongPose.Summary);
        Assert.False(wrongPose.Failed(GateChecks.Identity), wrongPose.Summary);
        Assert.Contains("wrong pose", wrongPose.Summary);
        var retried = _fal.Jobs.Values.OrderBy(j => j.Id).Select(j => j.Input["prompt"]!.GetValue<string>()).ElementAt(1);
        Assert.Contains("exactly where the skeleton draws it", retried);

        var someoneElse = results[2].Attempts[0].Verdict;
        Assert.True(someoneElse.Failed(GateChecks.Identity), someoneElse.Summary);
        Assert.False(someoneElse.Failed(GateChecks.BodyPose), $"the golfer in the golf pose: {someoneElse.PoseMatch}");

        var sheet = PoseGeneration.ContactSheet(results);
        Assert.True(sheet.Width > 256 * 3);
    }

    [Fact]
    public async Task A_request_without_the_control_image_is_refused_by_fal_with_the_field_named()
    {
        var request = new GenerationRequest
        {
            Operation = GenerationOperation.PoseControl,
            Prompt = "p",
            ControlImage = MediaInput.FromUrl(""),
            Route = "fal:fal-ai/flux-general",
        };
        var e = await Assert.ThrowsAsync<ProviderException>(() => _harness.Service().RunAsync(request, _harness.Context(), default));
        output.WriteLine(e.Message);
        Assert.Contains("pose control image", e.Message);
    }
}
