using Likeness.Providers.Costs;
using Likeness.Providers.Fal;
using Likeness.Providers.Gemini;
using Likeness.Providers.HuggingFace;
using Likeness.Providers.Outputs;
using Likeness.Providers.Replicate;
using Likeness.Providers.Service;
using Likeness.Providers.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Likeness.Providers.Tests.Fakes;

/// <summary>Progress sink that records synchronously (Progress&lt;T&gt; would post out of order).</summary>
public sealed class RecordingProgress : IProgress<ProviderStatus>
{
    readonly List<ProviderStatus> _items = [];
    public IReadOnlyList<ProviderStatus> Items { get { lock (_items) return _items.ToArray(); } }
    public void Report(ProviderStatus value) { lock (_items) _items.Add(value); }
}

/// <summary>Providers wired to fake servers, a fake clock, a temp output store and a ledger; one per test.</summary>
public sealed class Harness : IDisposable
{
    public ManualClock Clock { get; } = new();
    public CapturingLoggerFactory Logs { get; } = new();
    public string Dir { get; } = Directory.CreateTempSubdirectory("likeness-providers-").FullName;
    public List<IGenerativeProvider> Providers { get; } = [];
    public ICostLedger Ledger { get; set; } = new InMemoryCostLedger();
    public FileSystemOutputStore Store { get; }
    public DownloadOptions Downloads { get; } = new() { Url = new OutboundUrlOptions { AllowHttp = true, AllowPrivateNetworks = true } };
    public WebhookInbox Inbox { get; }
    public RecordingProgress Progress { get; } = new();
    public GenerationOptions Generation { get; } = new();
    public BudgetOptions Budget { get; } = new();
    public PriceTableOptions Prices { get; } = new();

    public Harness()
    {
        Store = new FileSystemOutputStore(Path.Combine(Dir, "outputs"));
        Inbox = new WebhookInbox(Clock);
    }

    static void Fast(ProviderOptions o)
    {
        // Generous: on a loaded 2-core CI machine a call that decodes and gates real photos took over 10 s, timed out,
        // was retried and took the next scripted reply, so the test saw its replies out of order.
        o.AttemptTimeout = TimeSpan.FromSeconds(30);
        o.RateLimit.RequestsPerMinute = 600;
        o.RateLimit.Burst = 50;
    }

    public FalProvider AddFal(FakeFal fake, Action<FalOptions>? configure = null)
    {
        var o = new FalOptions { ApiKey = FakeFal.Key, BaseUrl = fake.Server.Root, PlatformBaseUrl = fake.Server.Root + "/v1", StorageBaseUrl = fake.Server.Root };
        Fast(o);
        configure?.Invoke(o);
        var p = new FalProvider(new HttpClient(), Options.Create(o), Clock, Logs.CreateLogger<FalProvider>(), Inbox);
        Providers.Add(p);
        return p;
    }

    public GeminiProvider AddGemini(FakeGemini fake, Action<GeminiOptions>? configure = null)
    {
        var o = new GeminiOptions { ApiKey = FakeGemini.Key, BaseUrl = fake.BaseUrl };
        Fast(o);
        configure?.Invoke(o);
        var p = new GeminiProvider(new HttpClient(), Options.Create(o), Clock, Logs.CreateLogger<GeminiProvider>());
        Providers.Add(p);
        return p;
    }

    public HuggingFaceProvider AddHuggingFace(FakeHuggingFace fake, Action<HuggingFaceOptions>? configure = null)
    {
        var o = new HuggingFaceOptions { ApiKey = FakeHuggingFace.Key, BaseUrl = fake.Server.Root, HubBaseUrl = fake.Server.Root };
        Fast(o);
        configure?.Invoke(o);
        var p = new HuggingFaceProvider(new HttpClient(), Options.Create(o), Clock, Logs.CreateLogger<HuggingFaceProvider>());
        Providers.Add(p);
        return p;
    }

    public ReplicateProvider AddReplicate(FakeReplicate fake, Action<ReplicateOptions>? configure = null)
    {
        var o = new ReplicateOptions { ApiKey = FakeReplicate.Key, BaseUrl = fake.BaseUrl };
        Fast(o);
        configure?.Invoke(o);
        var p = new ReplicateProvider(new HttpClient(), Options.Create(o), Clock, Logs.CreateLogger<ReplicateProvider>(), Inbox);
        Providers.Add(p);
        return p;
    }

    public GenerationService Service() => new(Providers, Options.Create(Generation), Ledger, Options.Create(Budget), Options.Create(Prices),
        new OutputDownloader(Store, Downloads, Logs.CreateLogger<OutputDownloader>()), Clock, Logs.CreateLogger<GenerationService>());

    public GenerationContext Context(string user = "alice", TimeSpan? deadline = null)
        => new(user, Clock.GetUtcNow() + (deadline ?? TimeSpan.FromMinutes(10)), Progress);

    public async Task<byte[]> ReadStoredAsync(StoredOutput output)
    {
        await using var stream = await Store.OpenAsync(output.Key, CancellationToken.None) ?? throw new FileNotFoundException(output.Key);
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }

    public void Dispose()
    {
        foreach (var p in Providers.OfType<IDisposable>()) p.Dispose();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}

public static class Spacing
{
    /// <summary>Gaps between consecutive requests, on the fake clock.</summary>
    public static double[] Seconds(IEnumerable<RecordedRequest> requests)
    {
        var times = requests.Select(r => r.At).ToArray();
        return times.Zip(times.Skip(1), (a, b) => (b - a).TotalSeconds).ToArray();
    }
}
