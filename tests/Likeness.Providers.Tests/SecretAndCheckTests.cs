using Likeness.Providers.Costs;
using Likeness.Providers.Service;
using Likeness.Providers.Tests.Fakes;
using Microsoft.Extensions.Configuration;

namespace Likeness.Providers.Tests;

public sealed class SecretAndCheckTests : IAsyncLifetime
{
    readonly Harness _h = new();
    FakeFal _fal = null!;
    FakeGemini _gemini = null!;
    FakeHuggingFace _hf = null!;
    FakeReplicate _rep = null!;

    public async Task InitializeAsync()
    {
        _fal = await FakeFal.StartAsync(_h.Clock);
        _gemini = await FakeGemini.StartAsync(_h.Clock);
        _hf = await FakeHuggingFace.StartAsync(_h.Clock);
        _rep = await FakeReplicate.StartAsync(_h.Clock);
    }

    public async Task DisposeAsync()
    {
        await _fal.DisposeAsync(); await _gemini.DisposeAsync(); await _hf.DisposeAsync(); await _rep.DisposeAsync();
        _h.Dispose();
    }

    static readonly string[] Secrets = [FakeFal.Key, FakeGemini.Key, FakeHuggingFace.Key, FakeReplicate.Key];

    [Fact]
    public async Task Keys_never_reach_logs_errors_ledger_progress_or_health()
    {
        _h.Ledger = new JsonLinesCostLedger(Path.Combine(_h.Dir, "costs.jsonl"));
        _h.AddFal(_fal);
        _h.AddGemini(_gemini);
        _h.AddHuggingFace(_hf);
        _h.AddReplicate(_rep);
        var echo = (string key) => Fault.Status(500, $$"""{"error": "upstream said: bad token {{key}}", "detail": "token {{key}} rejected"}""");
        _fal.Faults.Always("submit", echo(FakeFal.Key));
        _gemini.Faults.Always("gemini-3.1-flash-image", Fault.Status(403, $$$"""{"error": {"code": 403, "message": "key {{{FakeGemini.Key}}} lacks permission", "status": "PERMISSION_DENIED"}}"""));
        _gemini.Faults.Always("gemini-3-pro-image", Fault.Status(400, $$$"""{"error": {"code": 400, "message": "bad {{{FakeGemini.Key}}}", "status": "INVALID_ARGUMENT"}}"""));
        _hf.Faults.Always("black-forest-labs/FLUX.1-schnell", echo(FakeHuggingFace.Key));
        _rep.Faults.Always("create", Fault.Status(429, $$"""{"detail": "throttled for {{FakeReplicate.Key}}"}""", ("Retry-After", "1")));
        _h.Generation.Routes[GenerationOperation.TextToImage] = ["fal", "replicate", "huggingface", "gemini"];
        var service = _h.Service();

        var ex = await Assert.ThrowsAsync<ProviderException>(() => service.RunAsync(
            new GenerationRequest { Operation = GenerationOperation.TextToImage, Prompt = "x" }, _h.Context(), default));
        Assert.Contains("[redacted]", ex.Message);

        var everything = string.Join("\n",
            ex.ToString(), string.Join("\n", ex.Attempts.Select(a => a.Reason)), _h.Logs.All,
            File.ReadAllText(Path.Combine(_h.Dir, "costs.jsonl")),
            string.Join("\n", _h.Progress.Items.Select(p => p.ToString())),
            string.Join("\n", service.Health().Select(h => h.ToString())));
        foreach (var secret in Secrets) Assert.DoesNotContain(secret, everything);
        // Every provider was really called (with its key) and failed.
        Assert.Equal(["fal", "replicate", "huggingface", "gemini"], ex.Attempts.Select(a => a.Provider).Distinct());
        Assert.Contains(_fal.Server.Requests, r => r.Header("authorization") == $"Key {FakeFal.Key}");
    }

    [Fact]
    public async Task Check_reports_key_and_model_status_per_provider()
    {
        _h.AddFal(_fal);
        _h.AddGemini(_gemini, o => o.Models[GenerationOperation.DescribeImage] = ["gemini-9-missing"]);
        _h.AddHuggingFace(_hf, o => o.ApiKey = "hf_wrong");
        _h.AddReplicate(_rep, o => o.ApiKey = null);
        _fal.KnownModels.Remove("fal-ai/birefnet");

        var rows = await ProviderChecker.CheckAsync(_h.Providers, default);

        Assert.Equal(CheckStatus.Ok, rows.Single(r => r.Subject == "fal-ai/flux-lora").Status);
        Assert.Equal(CheckStatus.Failed, rows.Single(r => r.Subject == "fal-ai/birefnet").Status);
        Assert.Equal(CheckStatus.Ok, rows.Single(r => r.Subject == "gemini-3.1-flash-image").Status);
        var missing = rows.Single(r => r.Subject == "gemini-9-missing");
        Assert.Equal(CheckStatus.Warning, missing.Status);
        Assert.Contains("not served to this key", missing.Detail);
        Assert.Contains("gemini-3.1-flash-image", missing.Detail);
        Assert.All(rows.Where(r => r.Provider == "huggingface"), r => Assert.Contains("key refused", r.Detail));
        var replicate = Assert.Single(rows, r => r.Provider == "replicate");
        Assert.Equal(CheckStatus.NotConfigured, replicate.Status);
        Assert.Contains("REPLICATE_API_TOKEN", replicate.Detail);
        Assert.DoesNotContain(rows, r => Secrets.Any(s => r.Detail.Contains(s)));
    }

    [Fact]
    public void Configuration_reads_sections_and_conventional_key_variables()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FAL_KEY"] = "from-env-var",
            ["GOOGLE_API_KEY"] = "google-fallback",
            ["Providers:HuggingFace:ApiKey"] = "from-section",
            ["HF_TOKEN"] = "ignored-when-section-set",
            ["Providers:Gemini:Retry:OverloadedDelay"] = "00:00:05",
            ["Providers:Fal:BaseUrl"] = "http://127.0.0.1:9",
            ["Providers:Replicate:Models:TextToImage:0"] = "acme/model",
        }).Build();
        var providers = ProviderConfiguration.CreateProviders(config);
        Assert.Equal([true, true, false, true], providers.Select(p => p.IsConfigured));
        Assert.Equal("from-section", ProviderConfiguration.Bind<HuggingFace.HuggingFaceOptions>(config, "HuggingFace").ApiKey);
        Assert.Equal("google-fallback", ProviderConfiguration.Bind<Gemini.GeminiOptions>(config, "Gemini").ApiKey);
        Assert.Equal(TimeSpan.FromSeconds(5), ProviderConfiguration.Bind<Gemini.GeminiOptions>(config, "Gemini").Retry.OverloadedDelay);
        Assert.Equal(["acme/model"], providers.Single(p => p.Name == "replicate").Models[GenerationOperation.TextToImage]);
        foreach (var p in providers.OfType<IDisposable>()) p.Dispose();
    }

    [Fact]
    public void Coverage_lists_operations_per_configured_provider()
    {
        _h.AddFal(_fal);
        _h.AddGemini(_gemini, o => o.ApiKey = "");
        var coverage = ProviderChecker.Coverage(_h.Providers);
        Assert.Equal(["fal"], coverage[GenerationOperation.TrainLora]);
        Assert.Empty(coverage[GenerationOperation.DescribeImage]);
    }
}

public sealed class WiringTests
{
    [Fact]
    public async Task Dependency_injection_wires_a_working_service_from_configuration()
    {
        using var h = new Harness();
        await using var fal = await FakeFal.StartAsync(h.Clock);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FAL_KEY"] = FakeFal.Key,
            ["Providers:Fal:BaseUrl"] = fal.Server.Root,
            ["Providers:Fal:Retry:TransientBaseDelay"] = "00:00:01",
            ["Providers:Downloads:Url:AllowHttp"] = "true",
            ["Providers:Downloads:Url:AllowPrivateNetworks"] = "true",
            ["Providers:Budget:PerUserMonthlyUsd:alice"] = "1.5",
        }).Build();
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<TimeProvider>(services, h.Clock);
        services.AddLikenessProviders(config, h.Dir);
        await using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        var generation = (IGenerationService)provider.GetService(typeof(IGenerationService))!;

        fal.Faults.Enqueue("submit", Fault.Status(500));
        var result = await generation.RunAsync(new GenerationRequest { Operation = GenerationOperation.TextToImage, Prompt = "x" }, h.Context(), default);

        Assert.Equal("fal", result.Provider);
        Assert.Equal([1.0], Spacing.Seconds(fal.Server.Requests.Where(r => r.Method == "POST")));
        Assert.Single(File.ReadAllLines(Path.Combine(h.Dir, "costs.jsonl")));
        Assert.True(File.Exists(Directory.EnumerateFiles(Path.Combine(h.Dir, "outputs"), "*.png", SearchOption.AllDirectories).Single()));
        Assert.Equal(["fal"], generation.Health().Where(x => x.Configured).Select(x => x.Provider));
    }

    [Fact]
    public async Task Parallel_jobs_cannot_both_slip_under_the_budget()
    {
        var clock = new ManualClock();
        var guard = new BudgetGuard(new InMemoryCostLedger(), new BudgetOptions { DefaultMonthlyUsd = 1m }, clock);
        using var first = await guard.TryReserveAsync("alice", 0.6m, default);
        using var second = await guard.TryReserveAsync("alice", 0.6m, default);
        Assert.Null(first.Refusal);
        Assert.Contains("$0.60 in progress", second.Refusal);
        first.Dispose();
        using var third = await guard.TryReserveAsync("alice", 0.6m, default);
        Assert.Null(third.Refusal);
    }
}
