using Likeness.Imaging.Transforms;
using Likeness.Pipelines.Generation;
using Likeness.Providers;
using Likeness.Providers.Tests.Fakes;
using Likeness.Tests.Support;
using Xunit.Abstractions;

namespace Likeness.Tests.Pipelines;

/// <summary>The three-step cinematic chain against a loopback Gemini that answers with real photos of Leonardo DiCaprio (or others).</summary>
public sealed class CinematicChainTests(ITestOutputHelper output) : IAsyncLifetime
{
    const string Description = "A rain-soaked neon street at night, cyan and magenta light from the left, a 50mm lens at eye level, " +
        "a dark wool coat over a white shirt, standing with the shoulders square, the nose pointing slightly toward the left edge, a calm stare, teal-orange palette, tense mood.";
    readonly Harness _harness = new();
    FakeGemini _gemini = null!;

    public async Task InitializeAsync()
    {
        _gemini = await FakeGemini.StartAsync(_harness.Clock);
        _gemini.Description = Description;
        _harness.AddGemini(_gemini);
    }

    public async Task DisposeAsync()
    {
        await _gemini.DisposeAsync();
        _harness.Dispose();
    }

    async Task<(CinematicChain Chain, Likeness.Vision.Identity.IdentityTemplate Template, IReadOnlyList<MediaInput> References)> SetUpAsync()
    {
        var engine = Engine.Require();
        var template = await GatePhotos.TemplateAsync(engine, GatePhotos.LeoTemplate);
        var references = GatePhotos.LeoTemplate.Select(p => MediaInput.FromBytes(GatePhotos.Raw(p), "image/jpeg")).ToList();
        var service = _harness.Service();
        var chain = new CinematicChain(new GatedGenerator(service, _harness.Store, new GenerationGate(engine), time: _harness.Clock), service);
        return (chain, template, references);
    }

    void Log(IEnumerable<CinematicStep> steps)
    {
        foreach (var s in steps)
        {
            output.WriteLine($"{s.Name}: {(s.Image is null ? s.Text ?? "no image" : $"{s.Image.Width}x{s.Image.Height}")}");
            foreach (var a in s.Attempts) output.WriteLine($"   #{a.Number} {a.Verdict.Summary}");
        }
    }

    [SkippableFact]
    public async Task Each_step_is_gated_the_portrait_matches_the_still_and_the_final_is_made_from_a_face_free_description()
    {
        var engine = Engine.Require();
        var (chain, template, references) = await SetUpAsync();
        var still = await GatePhotos.CinematicPngAsync(engine, "identity/leonardo_dicaprio/img37.jpg");
        _gemini.Replies.Enqueue(FakeReply.Image(GatePhotos.Raw("identity/leonardo_dicaprio/img37.jpg"))); // step 1, try 1: face too small
        _gemini.Replies.Enqueue(FakeReply.Image(still));                                                 // step 1, try 2
        _gemini.Replies.Enqueue(FakeReply.Image(GatePhotos.Raw(GatePhotos.LeoLeft)));                     // step 2, try 1: turned too far
        _gemini.Replies.Enqueue(FakeReply.Image(GatePhotos.Raw(GatePhotos.LeoFront)));                    // step 2, try 2
        _gemini.Replies.Enqueue(new FakeReply(null, FakeGemini.Answer.Text));                             // describe
        _gemini.Replies.Enqueue(FakeReply.Image(still));                                                 // step 3

        var steps = await chain.RunAsync(references, template, _harness.Context());
        Log(steps);

        Assert.Equal(["still", "matched portrait", "description", "final"], steps.Select(s => s.Name));
        Assert.Equal(2, steps[0].Attempts.Count);
        Assert.Contains("too small", steps[0].Attempts[0].Verdict.Summary);
        Assert.Contains("Frame closer", steps[0].Attempts[1].Prompt);
        Assert.InRange(steps[0].Winner!.Verdict.FaceWidthFraction!.Value, 0.15, 0.25);
        Assert.Equal(2, steps[1].Attempts.Count);
        Assert.True(steps[1].Attempts[0].Verdict.Failed(GateChecks.View));
        Assert.True(Math.Abs(steps[1].Winner!.Verdict.Yaw!.Value - steps[0].Winner!.Verdict.Yaw!.Value) <= 10);
        Assert.Equal(Description, steps[2].Text);
        Assert.NotNull(steps[3].Image);

        var calls = _gemini.GenerateCalls;
        Assert.Equal(6, calls.Count);
        Assert.Equal(1 + 3, FakeGemini.ImagesIn(calls[3])); // the edit carries step 1's still and the references
        var describe = FakeGemini.PromptOf(calls[4]);
        Assert.Equal(CinematicChain.RecreationPrompt, describe);
        Assert.Contains("Do NOT describe the face", describe);
        Assert.Contains("gemini-3.5-flash", calls[4].Path);
        Assert.Contains(Description, FakeGemini.PromptOf(calls[5]));
        Assert.Equal(3, FakeGemini.ImagesIn(calls[5]));
    }

    [SkippableFact]
    public async Task A_step_that_never_passes_fails_the_chain_with_its_verdicts_and_stops_there()
    {
        var engine = Engine.Require();
        var (chain, template, references) = await SetUpAsync();
        _gemini.Replies.Enqueue(FakeReply.Image(await GatePhotos.CinematicPngAsync(engine, "identity/leonardo_dicaprio/img37.jpg")));
        for (int i = 0; i < 3; i++) _gemini.Replies.Enqueue(FakeReply.Image(GatePhotos.Png(TestModels.Photo(GatePhotos.LeoLeft).FlipHorizontal())));

        var e = await Assert.ThrowsAsync<CinematicChainFailedException>(() => chain.RunAsync(references, template, _harness.Context()));
        output.WriteLine(e.Message);
        Log(e.Steps);

        Assert.Equal(2, e.Step);
        Assert.Equal(2, e.Steps.Count);
        Assert.NotNull(e.Steps[0].Image);
        Assert.Null(e.Steps[1].Image);
        Assert.Equal(3, e.Steps[1].Attempts.Count);
        Assert.Contains("step 2 (matched portrait): none of 3", e.Message);
        Assert.Equal(4, _gemini.GenerateCalls.Count); // no describe, no final
    }
}
