using Likeness.Imaging.Transforms;
using Likeness.Pipelines.Generation;
using Likeness.Providers;
using Likeness.Providers.Costs;
using Likeness.Providers.Tests.Fakes;
using Likeness.Tests.Support;
using Likeness.Vision.Faces.Pose;
using Xunit.Abstractions;

namespace Likeness.Tests.Pipelines;

/// <summary>
/// The regeneration loop over real HTTP: a loopback Gemini answers each call with a real photo the test picks
/// (right person, mirrored, someone else, two people, blocked), and the local gate decides on those pixels.
/// </summary>
public sealed class GatedGenerationTests(ITestOutputHelper output) : IAsyncLifetime
{
    readonly Harness _harness = new();
    FakeGemini _gemini = null!;

    public async Task InitializeAsync()
    {
        _gemini = await FakeGemini.StartAsync(_harness.Clock);
        _harness.AddGemini(_gemini);
    }

    public async Task DisposeAsync()
    {
        await _gemini.DisposeAsync();
        _harness.Dispose();
    }

    (GatedGenerator Generator, GenerationGate Gate) Loop(Likeness.Pipelines.VisionEngine engine, int attempts = 3)
    {
        var gate = new GenerationGate(engine);
        return (new GatedGenerator(_harness.Service(), _harness.Store, gate, new GatedGenerationOptions { MaxAttempts = attempts }, _harness.Clock), gate);
    }

    static IReadOnlyList<MediaInput> References(params string[] photos) => photos.Select(p => MediaInput.FromBytes(GatePhotos.Raw(p), "image/jpeg")).ToList();

    static GatedRequest ThreeQuarterLeft(Likeness.Vision.Identity.IdentityTemplate template, int referenceCount = 3) => new("the three-quarter-left view",
        new GenerationRequest { Operation = GenerationOperation.TextToImage, Prompt = "A headshot of the person in the reference photos." },
        new GateExpectation(FaceView.ThreeQuarterLeft, GateFraming.Any), template)
    {
        References = References([.. GatePhotos.JackTemplate, .. GatePhotos.JackTemplate.Take(referenceCount - 3)]),
    };

    void Log(IEnumerable<GenerationAttempt> attempts)
    {
        foreach (var a in attempts) output.WriteLine($"#{a.Number} {a.Provider}:{a.Model} refs {a.References} ${a.EstimatedUsd}: {a.Verdict.Summary}");
    }

    [SkippableFact]
    public async Task A_mirrored_result_is_regenerated_with_the_direction_restated_and_the_right_one_wins()
    {
        var engine = Engine.Require();
        var template = await GatePhotos.TemplateAsync(engine, GatePhotos.JackTemplate);
        _gemini.Replies.Enqueue(FakeReply.Image(GatePhotos.Png(TestModels.Photo(GatePhotos.JackLeft).FlipHorizontal())));
        _gemini.Replies.Enqueue(FakeReply.Image(GatePhotos.Raw(GatePhotos.JackLeft)));
        var (generator, _) = Loop(engine);

        var outcome = await generator.RunAsync(ThreeQuarterLeft(template), _harness.Context());
        Log(outcome.Attempts);

        Assert.Equal(2, outcome.Attempts.Count);
        Assert.True(outcome.Attempts[0].Verdict.Mirrored);
        Assert.Same(outcome.Attempts[1], outcome.Winner);
        Assert.Equal(FaceView.ThreeQuarterLeft, outcome.Winner.Verdict.MeasuredView);
        Assert.True(outcome.Image.Width > 0);
        var prompts = _gemini.GenerateCalls.Select(FakeGemini.PromptOf).ToList();
        Assert.Equal(2, prompts.Count);
        Assert.DoesNotContain("LEFT EDGE", prompts[0]);
        Assert.Contains("nose points toward the LEFT EDGE of the image", prompts[1]);
        Assert.Contains("Not the mirror image", prompts[1]);
        Assert.Equal(outcome.Attempts[1].Prompt, prompts[1]);
        var ledger = await _harness.Ledger.ListAsync("alice", DateTimeOffset.MinValue, default);
        Assert.Equal(2, ledger.Count);
        Assert.Equal(ledger.Sum(e => e.EstimatedUsd), outcome.TotalUsd);
    }

    [SkippableFact]
    public async Task Another_person_brings_more_references_and_the_likeness_demand_into_the_next_prompt()
    {
        var engine = Engine.Require();
        var template = await GatePhotos.TemplateAsync(engine, GatePhotos.JackTemplate);
        _gemini.Replies.Enqueue(FakeReply.Image(GatePhotos.Raw(GatePhotos.Angelina)));
        _gemini.Replies.Enqueue(FakeReply.Image(GatePhotos.Raw(GatePhotos.JackLeft)));
        var (generator, _) = Loop(engine);
        var request = ThreeQuarterLeft(template, referenceCount: 6) with { Expectation = GateExpectation.MatchingYaw(-18, GateFraming.Any) };

        var outcome = await generator.RunAsync(request, _harness.Context());
        Log(outcome.Attempts);

        Assert.True(outcome.Attempts[0].Verdict.Failed(GateChecks.Identity));
        Assert.True(outcome.Attempts[0].Verdict.Similarity < outcome.Attempts[0].Verdict.Threshold);
        Assert.Equal([3, 6], outcome.Attempts.Select(a => a.References));
        Assert.Equal([3, 6], _gemini.GenerateCalls.Select(FakeGemini.ImagesIn));
        Assert.Contains(PromptCorrections.SamePerson, FakeGemini.PromptOf(_gemini.GenerateCalls[1]));
        Assert.True(outcome.Winner.Passed);
    }

    [SkippableFact]
    public async Task When_no_attempt_passes_the_generation_fails_with_every_verdict_and_delivers_nothing()
    {
        var engine = Engine.Require();
        var template = await GatePhotos.TemplateAsync(engine, GatePhotos.JackTemplate);
        _gemini.Replies.Enqueue(FakeReply.Image(GatePhotos.Raw(GatePhotos.Couple)));
        _gemini.Replies.Enqueue(FakeReply.Blocked);
        _gemini.Replies.Enqueue(FakeReply.Image(GatePhotos.Png(TestModels.Photo(GatePhotos.JackLeft).Resize(120, 120))));
        var (generator, _) = Loop(engine);

        var e = await Assert.ThrowsAsync<GenerationFailedException>(() => generator.RunAsync(ThreeQuarterLeft(template), _harness.Context()));
        output.WriteLine(e.Message);
        Log(e.Attempts);

        Assert.Equal(3, e.Attempts.Count);
        Assert.All(e.Attempts, a => Assert.False(a.Passed));
        Assert.True(e.Attempts[0].Verdict.Failed(GateChecks.OneFace));
        Assert.Contains("people in the image", e.Message);
        Assert.Contains("blocked", e.Message);
        Assert.Contains("placeholder or thumbnail", e.Message);
        Assert.Contains(PromptCorrections.OnePerson, FakeGemini.PromptOf(_gemini.GenerateCalls[1]));
        Assert.Equal(3, _gemini.GenerateCalls.Count);
    }

    [SkippableFact]
    public async Task The_budget_stops_the_loop_before_a_provider_call_it_cannot_pay_for()
    {
        var engine = Engine.Require();
        var template = await GatePhotos.TemplateAsync(engine, GatePhotos.JackTemplate);
        _harness.Budget.PerUserMonthlyUsd["alice"] = 0.15m; // two images at $0.067
        for (int i = 0; i < 3; i++) _gemini.Replies.Enqueue(FakeReply.Image(GatePhotos.Raw(GatePhotos.Angelina)));
        var (generator, _) = Loop(engine, attempts: 5);

        var e = await Assert.ThrowsAsync<GenerationFailedException>(() => generator.RunAsync(ThreeQuarterLeft(template), _harness.Context()));
        output.WriteLine(e.Message);

        Assert.Equal(2, e.Attempts.Count);
        Assert.Equal(2, _gemini.GenerateCalls.Count);
        Assert.Contains("stopped after 2 attempt(s)", e.Message);
        Assert.Contains("budget", e.StoppedBy, StringComparison.OrdinalIgnoreCase);
    }

    [SkippableFact]
    public async Task The_deadline_stops_the_loop_between_attempts()
    {
        var engine = Engine.Require();
        var template = await GatePhotos.TemplateAsync(engine, GatePhotos.JackTemplate);
        for (int i = 0; i < 3; i++) _gemini.Replies.Enqueue(FakeReply.Image(GatePhotos.Raw(GatePhotos.Angelina)));
        var (generator, gate) = Loop(engine);
        var request = ThreeQuarterLeft(template) with
        {
            // The gate takes its real time; the test clock jumps past the deadline while it runs.
            Judge = async (image, ct) =>
            {
                var verdict = await gate.JudgeAsync(image, new GateExpectation(FaceView.ThreeQuarterLeft, GateFraming.Any), template, ct);
                _harness.Clock.Advance(TimeSpan.FromMinutes(3));
                return (verdict, image);
            },
        };

        var e = await Assert.ThrowsAsync<GenerationFailedException>(() => generator.RunAsync(request, _harness.Context(deadline: TimeSpan.FromMinutes(5))));
        output.WriteLine(e.Message);
        Assert.Equal(2, e.Attempts.Count);
        Assert.Contains("deadline passed after 2 attempt(s)", e.Message);
    }
}
