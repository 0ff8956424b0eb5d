using Likeness.Providers.Costs;
using Likeness.Providers.Fal;
using Likeness.Providers.Gemini;
using Likeness.Providers.HuggingFace;
using Likeness.Providers.Outputs;
using Likeness.Providers.Replicate;
using Likeness.Providers.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Likeness.Providers.Service;

/// <summary>
/// Reads provider settings from configuration ("Providers:{Fal|Gemini|HuggingFace|Replicate}:...", env form
/// Providers__Fal__ApiKey) with each provider's usual key variable as a fallback.
/// </summary>
public static class ProviderConfiguration
{
    public const string Section = "Providers";

    /// <summary>The key variables each provider is conventionally configured with.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> KeyVariables = new Dictionary<string, string[]>
    {
        ["Fal"] = ["FAL_KEY"],
        ["Gemini"] = ["GEMINI_API_KEY", "GOOGLE_API_KEY"],
        ["HuggingFace"] = ["HF_TOKEN"],
        ["Replicate"] = ["REPLICATE_API_TOKEN"],
    };

    public static IConfiguration FromEnvironment() => new ConfigurationBuilder().AddEnvironmentVariables().Build();

    public static T Bind<T>(IConfiguration configuration, string name) where T : ProviderOptions, new()
    {
        var options = new T();
        Apply(options, configuration, name);
        return options;
    }

    /// <summary>Binds "Providers:{name}" onto <paramref name="options"/>, then the conventional key variable if no key was set.</summary>
    public static void Apply(ProviderOptions options, IConfiguration configuration, string name)
    {
        configuration.GetSection($"{Section}:{name}").Bind(options);
        if (string.IsNullOrWhiteSpace(options.ApiKey))
            options.ApiKey = KeyVariables[name].Select(v => configuration[v]).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
    }

    public static TOptions BindPlain<TOptions>(IConfiguration configuration, string path) where TOptions : new()
    {
        var options = new TOptions();
        configuration.GetSection(path).Bind(options);
        return options;
    }

    /// <summary>The four providers, each with its own long-lived HttpClient (connection lifetime bounded for DNS changes).</summary>
    public static IReadOnlyList<IGenerativeProvider> CreateProviders(IConfiguration configuration, TimeProvider? time = null,
        ILoggerFactory? logs = null, WebhookInbox? inbox = null)
    {
        logs ??= NullLoggerFactory.Instance;
        // Attempt timeouts are the policy's job (ProviderOptions.AttemptTimeout), not HttpClient's.
        static HttpClient Client() => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
        return
        [
            new FalProvider(Client(), Microsoft.Extensions.Options.Options.Create(Bind<FalOptions>(configuration, "Fal")), time, logs.CreateLogger<FalProvider>(), inbox),
            new GeminiProvider(Client(), Microsoft.Extensions.Options.Options.Create(Bind<GeminiOptions>(configuration, "Gemini")), time, logs.CreateLogger<GeminiProvider>()),
            new ReplicateProvider(Client(), Microsoft.Extensions.Options.Options.Create(Bind<ReplicateOptions>(configuration, "Replicate")), time, logs.CreateLogger<ReplicateProvider>(), inbox),
            new HuggingFaceProvider(Client(), Microsoft.Extensions.Options.Options.Create(Bind<HuggingFaceOptions>(configuration, "HuggingFace")), time, logs.CreateLogger<HuggingFaceProvider>()),
        ];
    }

    /// <summary>Everything <see cref="GenerationService"/> needs, from configuration, with a JSON-lines ledger and file output store under <paramref name="dataDirectory"/>.</summary>
    public static GenerationService CreateService(IConfiguration configuration, string dataDirectory, TimeProvider? time = null,
        ILoggerFactory? logs = null, WebhookInbox? inbox = null)
    {
        logs ??= NullLoggerFactory.Instance;
        var store = new FileSystemOutputStore(Path.Combine(dataDirectory, "outputs"));
        var downloader = new OutputDownloader(store, BindPlain<DownloadOptions>(configuration, $"{Section}:Downloads"), logs.CreateLogger<OutputDownloader>());
        return new GenerationService(
            CreateProviders(configuration, time, logs, inbox),
            Microsoft.Extensions.Options.Options.Create(BindPlain<GenerationOptions>(configuration, $"{Section}:Generation")),
            new JsonLinesCostLedger(Path.Combine(dataDirectory, "costs.jsonl")),
            Microsoft.Extensions.Options.Options.Create(BindPlain<BudgetOptions>(configuration, $"{Section}:Budget")),
            Microsoft.Extensions.Options.Options.Create(BindPlain<PriceTableOptions>(configuration, $"{Section}:PriceTable")),
            downloader, time, logs.CreateLogger<GenerationService>());
    }
}
