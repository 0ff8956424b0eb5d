using Likeness.Providers.Costs;
using Likeness.Providers.Policy;
using Likeness.Providers.Tests.Fakes;

namespace Likeness.Providers.Tests;

/// <summary>Fallback across providers, budget, ledger, circuit breaker and the client-side rate limiter.</summary>
public sealed class ServicePolicyTests : IAsyncLifetime
{
    readonly Harness _h = new();
    FakeFal _fal = null!;
    FakeGemini _gemini = null!;
    FakeHuggingFace _hf = null!;

    public async Task InitializeAsync()
    {
        _fal = await FakeFal.StartAsync(_h.Clock);
        _gemini = await FakeGemini.StartAsync(_h.Clock);
        _hf = await FakeHuggingFace.StartAsync(_h.Clock);
    }

    public async Task DisposeAsync()
    {
        await _fal.DisposeAsync();
        await _gemini.DisposeAsync();
        await _hf.DisposeAsync();
        _h.Dispose();
    }

    static GenerationRequest Prompt => new() { Operation = GenerationOperation.TextToImage, Prompt = "a castle", Width = 1024, Height = 1024 };

    [Fact]
    public async Task Overloaded_provider_falls_back_to_the_next_provider_and_both_calls_are_in_the_ledger()
    {
        _h.AddGemini(_gemini, o => { o.Retry.OverloadedWindow = TimeSpan.FromSeconds(9); o.Models[GenerationOperation.TextToImage] = ["gemini-3.1-flash-image"]; });
        _h.AddFal(_fal);
        _h.Generation.Routes[GenerationOperation.TextToImage] = ["gemini", "fal"];
        _gemini.Faults.Always("gemini-3.1-flash-image", FakeGemini.Overloaded);

        var result = await _h.Service().RunAsync(Prompt, _h.Context(), CancellationToken.None);

        Assert.Equal("fal", result.Provider);
        Assert.Equal(3, _gemini.Server.Requests.Count); // t = 0, 3, 6; 9 would reach the window
        var rows = await _h.Ledger.ListAsync("alice", DateTimeOffset.MinValue, default);
        Assert.Equal([("gemini", CostOutcome.Failed), ("fal", CostOutcome.Succeeded)], rows.Select(r => (r.Provider, r.Outcome)));
        Assert.Equal(FailureKind.Overloaded, rows[0].Failure);
        Assert.Equal(0m, rows[0].EstimatedUsd);
        // Charged by the output's megapixels (fal returns 64x48: one started megapixel), not the 2 MP estimate.
        Assert.Equal((1.0, PriceUnit.Megapixel, 0.035m), (rows[1].Units, rows[1].Unit, rows[1].EstimatedUsd));
        Assert.Equal("req-0001", rows[1].RequestId);
        Assert.True(rows[1].Duration > TimeSpan.Zero);
    }

    [Fact]
    public async Task Budget_refuses_before_any_provider_is_called()
    {
        _h.AddFal(_fal);
        _h.Budget.PerUserMonthlyUsd["bob"] = 0.05m;
        var ex = await Assert.ThrowsAsync<ProviderException>(() => _h.Service().RunAsync(Prompt, _h.Context("bob"), CancellationToken.None));
        Assert.Equal(FailureKind.BudgetExceeded, ex.Kind);
        Assert.Contains("monthly budget of $0.05", ex.Message);
        Assert.Empty(_fal.Server.Requests);
        Assert.Equal(CostOutcome.Refused, Assert.Single(await _h.Ledger.ListAsync("bob", DateTimeOffset.MinValue, default)).Outcome);
    }

    [Fact]
    public async Task Budget_counts_what_the_month_already_spent()
    {
        _h.AddFal(_fal);
        _h.Budget.DefaultMonthlyUsd = 0.10m; // each call is estimated at $0.07 (2 MP) and charged $0.035
        var service = _h.Service();
        await service.RunAsync(Prompt, _h.Context(), CancellationToken.None);
        var ex = await Assert.ThrowsAsync<ProviderException>(() => service.RunAsync(Prompt, _h.Context(), CancellationToken.None));
        Assert.Equal(FailureKind.BudgetExceeded, ex.Kind);
        Assert.Contains("$0.04 spent", ex.Message);
        Assert.Single(_fal.Server.Requests, r => r.Method == "POST");
        await service.RunAsync(Prompt, _h.Context("carol"), CancellationToken.None);
    }

    [Fact]
    public async Task Budget_falls_through_to_a_cheaper_route()
    {
        _h.AddFal(_fal);
        _h.AddHuggingFace(_hf);
        _h.Budget.DefaultMonthlyUsd = 0.01m;
        var result = await _h.Service().RunAsync(Prompt, _h.Context(), CancellationToken.None);
        Assert.Equal("huggingface", result.Provider); // unpriced model: default $0.001/s x 10 s estimate fits
        Assert.Equal([FailureKind.BudgetExceeded, null], result.Attempts.Select(a => a.Failure));
        Assert.Empty(_fal.Server.Requests);
    }

    [Fact]
    public async Task Circuit_opens_after_repeated_failures_and_is_skipped_then_shown_in_health()
    {
        var hf = _h.AddHuggingFace(_hf, o => { o.CircuitBreaker.MinimumThroughput = 4; o.CircuitBreaker.FailureRatio = 0.5; });
        _h.AddFal(_fal);
        _h.Generation.Routes[GenerationOperation.TextToImage] = ["huggingface", "fal"];
        _hf.Faults.Always("black-forest-labs/FLUX.1-schnell", Fault.Status(500, """{"error": "internal"}"""));
        var service = _h.Service();

        var first = await service.RunAsync(Prompt, _h.Context(), CancellationToken.None);
        Assert.Equal("fal", first.Provider);
        Assert.StartsWith("open until", service.Health().Single(x => x.Provider == "huggingface").Circuit);
        var hfCalls = _hf.Inference.Count;

        var second = await service.RunAsync(Prompt, _h.Context(), CancellationToken.None);
        Assert.Equal("fal", second.Provider);
        Assert.Equal(hfCalls, _hf.Inference.Count);
        Assert.Equal(FailureKind.CircuitOpen, second.Attempts[0].Failure);
        Assert.Contains("Transient", service.Health().Single(x => x.Provider == "huggingface").LastFailure);

        _hf.Faults.Clear("black-forest-labs/FLUX.1-schnell");
        _h.Clock.Advance(TimeSpan.FromMinutes(2));
        var third = await service.RunAsync(Prompt, _h.Context(), CancellationToken.None);
        Assert.Equal("huggingface", third.Provider);
        Assert.Equal("closed", hf.Runtime.Health(true).Circuit);
    }

    [Fact]
    public async Task Rejections_do_not_fall_back()
    {
        _h.AddFal(_fal);
        _h.AddHuggingFace(_hf);
        _fal.Faults.Enqueue("submit", Fault.Status(422, """{"detail": [{"loc": ["body", "prompt"], "msg": "prompt too long", "type": "value_error"}]}"""));
        var ex = await Assert.ThrowsAsync<ProviderException>(() => _h.Service().RunAsync(Prompt, _h.Context(), CancellationToken.None));
        Assert.Equal("fal.ai rejected the prompt: prompt too long", ex.Message);
        Assert.Empty(_hf.Server.Requests);
        Assert.Single(ex.Attempts);
    }

    [Fact]
    public async Task Unserved_operation_fails_with_every_reason()
    {
        _h.AddFal(_fal);
        _h.AddHuggingFace(_hf);
        var ex = await Assert.ThrowsAsync<ProviderException>(() => _h.Service().RunAsync(
            new GenerationRequest { Operation = GenerationOperation.ImageEdit, Prompt = "in a hat", Image = MediaInput.FromUrl("https://x/scene.png") },
            _h.Context(), CancellationToken.None));
        Assert.Equal(FailureKind.Unsupported, ex.Kind);
        Assert.Contains("No provider offers ImageEdit", ex.Message);

        var refs = await Assert.ThrowsAsync<ProviderException>(() => _h.Service().RunAsync(
            Prompt with { ReferenceImages = [MediaInput.FromBytes(TestFiles.Png(2, 2))] }, _h.Context(), CancellationToken.None));
        Assert.Contains("No configured provider can do TextToImage", refs.Message);
        Assert.Contains("fal.ai flux-lora does not take reference images", refs.Message);
    }

    [Fact]
    public async Task Missing_keys_say_how_to_configure()
    {
        _h.AddGemini(_gemini, o => o.ApiKey = null);
        var ex = await Assert.ThrowsAsync<ProviderException>(() => _h.Service().RunAsync(Prompt, _h.Context(), CancellationToken.None));
        Assert.Equal(FailureKind.NotConfigured, ex.Kind);
        Assert.Contains("set GEMINI_API_KEY", ex.Message);
        Assert.Empty(_gemini.Server.Requests);
    }

    [Fact]
    public async Task Invalid_requests_are_refused_up_front()
    {
        _h.AddFal(_fal);
        var ex = await Assert.ThrowsAsync<ProviderException>(() => _h.Service().RunAsync(
            new GenerationRequest { Operation = GenerationOperation.Inpaint, Prompt = "x" }, _h.Context(), CancellationToken.None));
        Assert.Equal("Invalid request: inpaint needs an image, a mask and a prompt.", ex.Message);
    }

    [Fact]
    public async Task Pinned_route_uses_only_that_provider_and_model()
    {
        _h.AddGemini(_gemini);
        _h.AddFal(_fal);
        var result = await _h.Service().RunAsync(Prompt with { Route = "gemini:gemini-3-pro-image" }, _h.Context(), CancellationToken.None);
        Assert.Equal(("gemini", "gemini-3-pro-image"), (result.Provider, result.Model));
        Assert.Empty(_fal.Server.Requests);
    }

    [Fact]
    public async Task Token_bucket_spaces_generation_requests()
    {
        _h.AddHuggingFace(_hf, o => { o.RateLimit.RequestsPerMinute = 6; o.RateLimit.Burst = 1; });
        var service = _h.Service();
        for (int i = 0; i < 3; i++) await service.RunAsync(Prompt, _h.Context(), CancellationToken.None);
        Assert.Equal([10.0, 10], Spacing.Seconds(_hf.Inference));
    }

    [Fact]
    public async Task A_429_blocks_other_callers_of_the_same_provider()
    {
        var gate = new ProviderRateGate(new RateLimitOptions { RequestsPerMinute = 600, Burst = 10 }, _h.Clock);
        gate.BlockUntil(_h.Clock.GetUtcNow().AddSeconds(30));
        var waited = await gate.WaitAsync(takeToken: true, _h.Clock.GetUtcNow().AddMinutes(5), "test", CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(30), waited);
        var ex = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            gate.BlockUntil(_h.Clock.GetUtcNow().AddMinutes(10));
            await gate.WaitAsync(true, _h.Clock.GetUtcNow().AddMinutes(1), "test", CancellationToken.None);
        });
        Assert.Equal(FailureKind.RateLimited, ex.Kind);
    }

    [Theory]
    [InlineData("Retry-After", "7", 7)]
    [InlineData("RateLimit", "limit=100, remaining=0, reset=30", 30)]
    [InlineData("RateLimit", "\"api\";r=0;t=55", 55)]
    [InlineData("RateLimit-Reset", "12", 12)]
    public void Retry_hints_are_read_from_headers(string header, string value, double seconds)
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation(header, value);
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryHints.FromHeaders(response.Headers, DateTimeOffset.UtcNow));
    }
}
