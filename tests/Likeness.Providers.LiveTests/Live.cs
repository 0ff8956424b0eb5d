using Likeness.Providers.Costs;
using Likeness.Providers.Outputs;
using Likeness.Providers.Service;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Likeness.Providers.LiveTests;

/// <summary>
/// One run's shared state: the real providers configured from the environment, one ledger for the whole run and a
/// spend cap (LIKENESS_LIVE_SPEND_CAP_USD, default 0.50) enforced by the product's own budget guard before any call.
/// </summary>
public sealed class Live : IDisposable
{
    public const string User = "live-contract";
    /// <summary>A user with a zero budget, to show the guard refuses before any call.</summary>
    public const string CappedUser = "live-contract-capped";
    public static readonly string[] KeyVariables = ["FAL_KEY", "GEMINI_API_KEY", "REPLICATE_API_TOKEN", "HF_TOKEN"];

    public Live()
    {
        if (Environment.GetEnvironmentVariable("LIKENESS_LIVE_PROVIDERS") != "1")
            throw new InvalidOperationException("Live provider contract tests call paid APIs: set LIKENESS_LIVE_PROVIDERS=1 and the provider keys (see docs/providers.md), or run tools/test.sh, which leaves them out.");
        Dir = Directory.CreateTempSubdirectory("likeness-live-").FullName;
        var cap = Environment.GetEnvironmentVariable("LIKENESS_LIVE_SPEND_CAP_USD") is { Length: > 0 } text ? text : "0.50";
        Configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{ProviderConfiguration.Section}:Budget:PerUserMonthlyUsd:{User}"] = cap,
                [$"{ProviderConfiguration.Section}:Budget:PerUserMonthlyUsd:{CappedUser}"] = "0",
            })
            .Build();
        Providers = ProviderConfiguration.CreateProviders(Configuration);
        Ledger = new JsonLinesCostLedger(Path.Combine(Dir, "costs.jsonl"));
        Service = new GenerationService(Providers,
            Options.Create(ProviderConfiguration.BindPlain<GenerationOptions>(Configuration, $"{ProviderConfiguration.Section}:Generation")),
            Ledger,
            Options.Create(ProviderConfiguration.BindPlain<BudgetOptions>(Configuration, $"{ProviderConfiguration.Section}:Budget")),
            Options.Create(ProviderConfiguration.BindPlain<PriceTableOptions>(Configuration, $"{ProviderConfiguration.Section}:PriceTable")),
            new OutputDownloader(new FileSystemOutputStore(Path.Combine(Dir, "outputs")),
                ProviderConfiguration.BindPlain<DownloadOptions>(Configuration, $"{ProviderConfiguration.Section}:Downloads")),
            TimeProvider.System);
        SpendCapUsd = decimal.Parse(cap, System.Globalization.CultureInfo.InvariantCulture);
    }

    public string Dir { get; }
    public IConfiguration Configuration { get; }
    public IReadOnlyList<IGenerativeProvider> Providers { get; }
    public ICostLedger Ledger { get; }
    public GenerationService Service { get; }
    public decimal SpendCapUsd { get; }

    public IGenerativeProvider Provider(string name) => Providers.Single(p => p.Name == name);

    /// <summary>The provider, or a failure that says which key is missing (a live test without its key is not a pass).</summary>
    public IGenerativeProvider Configured(string name, string keyVariable)
    {
        var provider = Provider(name);
        Assert.True(provider.IsConfigured, $"{name} has no key: set {keyVariable}, or leave this provider's tests out (tools/test.sh does).");
        return provider;
    }

    public static GenerationContext Context() => new(User, DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5));

    public static MediaInput Sample() => MediaInput.FromBytes(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "samples", "astronaut.png")));

    public void Dispose()
    {
        foreach (var p in Providers.OfType<IDisposable>()) p.Dispose();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class LiveCollection : ICollectionFixture<Live>
{
    public const string Name = "live providers";
}
