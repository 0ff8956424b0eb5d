using Likeness.Jobs;
using Likeness.Providers.Costs;
using Likeness.Providers.Fal;
using Likeness.Providers.Outputs;
using Likeness.Providers.Replicate;
using Likeness.Providers.Service;

namespace Likeness.Server.Generation;

public static class ProvidersSetup
{
    /// <summary>
    /// The provider layer inside the server: ledger in the database, outputs in the blob store, webhooks pointed at
    /// this server when Likeness:Providers:WebhookBaseUrl is set, and the `generate` job kind.
    /// </summary>
    public static IServiceCollection AddLikenessServerProviders(this IServiceCollection services, IConfiguration root, string dataPath)
    {
        var configuration = ProviderView(root);
        services.AddSingleton<ICostLedger, DbCostLedger>();
        services.AddSingleton<IOutputStore, BlobOutputStore>();
        services.AddLikenessProviders(configuration, dataPath);
        if (configuration[$"{ProviderConfiguration.Section}:WebhookBaseUrl"] is { Length: > 0 } baseUrl)
        {
            var hooks = baseUrl.TrimEnd('/');
            services.PostConfigure<FalOptions>(o => o.WebhookUrl = string.IsNullOrEmpty(o.WebhookUrl) ? hooks + "/webhooks/fal" : o.WebhookUrl);
            services.PostConfigure<ReplicateOptions>(o => o.WebhookUrl = string.IsNullOrEmpty(o.WebhookUrl) ? hooks + "/webhooks/replicate" : o.WebhookUrl);
        }
        services.AddHttpClient("fal-jwks");
        services.AddSingleton<FalWebhookVerifier>();
        services.AddSingleton<ReplicateWebhookSecret>();
        services.Configure<GenerateOptions>(root.GetSection("Likeness:Jobs:Generate"));
        services.AddSingleton<IJobKind, GenerateKind>();
        services.AddSingleton<IJobStepHandler, GenerateStep>();
        services.AddSingleton<GatedJobGeneration>();
        return services;
    }

    /// <summary>
    /// What the provider layer reads: the whole configuration (so FAL_KEY, GEMINI_API_KEY... and a root "Providers"
    /// section work as for the CLI) with "Likeness:*" laid over it, so "Likeness:Providers:*" (env Likeness__Providers__*) wins.
    /// </summary>
    public static IConfiguration ProviderView(IConfiguration root)
        => new ConfigurationBuilder().AddConfiguration(root).AddConfiguration(root.GetSection("Likeness")).Build();
}
