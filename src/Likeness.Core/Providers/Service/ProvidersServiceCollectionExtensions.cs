using Likeness.Providers.Costs;
using Likeness.Providers.Fal;
using Likeness.Providers.Gemini;
using Likeness.Providers.HuggingFace;
using Likeness.Providers.Outputs;
using Likeness.Providers.Replicate;
using Likeness.Providers.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Likeness.Providers.Service;

/// <summary>
/// DI wiring for the provider layer. Ledger and output store are registered with TryAdd, so a host that registers
/// its own <see cref="ICostLedger"/> / <see cref="IOutputStore"/> (database, blob store) first keeps them.
/// </summary>
public static class ProvidersServiceCollectionExtensions
{
    public static IServiceCollection AddLikenessProviders(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new WebhookInbox(sp.GetRequiredService<TimeProvider>()));
        BindProvider<FalOptions>(services, configuration, "Fal");
        BindProvider<GeminiOptions>(services, configuration, "Gemini");
        BindProvider<ReplicateOptions>(services, configuration, "Replicate");
        BindProvider<HuggingFaceOptions>(services, configuration, "HuggingFace");
        services.AddOptions<GenerationOptions>().Bind(configuration.GetSection($"{ProviderConfiguration.Section}:Generation"));
        services.AddOptions<BudgetOptions>().Bind(configuration.GetSection($"{ProviderConfiguration.Section}:Budget"));
        services.AddOptions<PriceTableOptions>().Bind(configuration.GetSection($"{ProviderConfiguration.Section}:PriceTable"));
        services.AddOptions<DownloadOptions>().Bind(configuration.GetSection($"{ProviderConfiguration.Section}:Downloads"));

        services.AddSingleton<IGenerativeProvider>(sp => new FalProvider(NewClient(), sp.GetRequiredService<IOptions<FalOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<FalProvider>>(), sp.GetRequiredService<WebhookInbox>()));
        services.AddSingleton<IGenerativeProvider>(sp => new GeminiProvider(NewClient(), sp.GetRequiredService<IOptions<GeminiOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<GeminiProvider>>()));
        services.AddSingleton<IGenerativeProvider>(sp => new ReplicateProvider(NewClient(), sp.GetRequiredService<IOptions<ReplicateOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<ReplicateProvider>>(), sp.GetRequiredService<WebhookInbox>()));
        services.AddSingleton<IGenerativeProvider>(sp => new HuggingFaceProvider(NewClient(), sp.GetRequiredService<IOptions<HuggingFaceOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<HuggingFaceProvider>>()));

        services.TryAddSingleton<ICostLedger>(_ => new JsonLinesCostLedger(Path.Combine(dataDirectory, "costs.jsonl")));
        services.TryAddSingleton<IOutputStore>(_ => new FileSystemOutputStore(Path.Combine(dataDirectory, "outputs")));
        services.TryAddSingleton(sp => new OutputDownloader(sp.GetRequiredService<IOutputStore>(),
            sp.GetRequiredService<IOptions<DownloadOptions>>().Value, sp.GetService<ILogger<OutputDownloader>>()));
        services.TryAddSingleton<IGenerationService>(sp => new GenerationService(sp.GetServices<IGenerativeProvider>(),
            sp.GetRequiredService<IOptions<GenerationOptions>>(), sp.GetRequiredService<ICostLedger>(),
            sp.GetRequiredService<IOptions<BudgetOptions>>(), sp.GetRequiredService<IOptions<PriceTableOptions>>(),
            sp.GetRequiredService<OutputDownloader>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<GenerationService>>()));
        return services;
    }

    static void BindProvider<T>(IServiceCollection services, IConfiguration configuration, string name) where T : ProviderOptions, new()
        => services.AddOptions<T>().Configure(options => ProviderConfiguration.Apply(options, configuration, name));

    static HttpClient NewClient() => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
}
