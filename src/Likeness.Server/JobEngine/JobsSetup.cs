using Microsoft.Extensions.Options;
using Likeness.Jobs;

namespace Likeness.Server.JobEngine;

public static class JobsSetup
{
    /// <summary>The local engine: model store (user cache + LIKENESS_MODEL_MIRROR), shared ONNX sessions, pipelines.</summary>
    public static IServiceCollection AddLikenessEngine(this IServiceCollection services)
    {
        services.AddSingleton(sp => new Likeness.Models.ModelStore(Microsoft.Extensions.Options.Options.Create(new Likeness.Models.ModelStoreOptions()),
            logger: sp.GetRequiredService<ILogger<Likeness.Models.ModelStore>>()));
        services.AddSingleton<Likeness.Inference.IModelSessions>(sp => new Likeness.Inference.ModelSessions(sp.GetRequiredService<Likeness.Models.ModelStore>()));
        services.AddSingleton(sp => new Likeness.Pipelines.VisionEngine(sp.GetRequiredService<Likeness.Inference.IModelSessions>(), sp.GetRequiredService<ILoggerFactory>()));
        return services;
    }

    public static IServiceCollection AddLikenessJobs(this IServiceCollection services, IConfigurationSection jobs, IConfigurationSection webhooks)
    {
        services.Configure<JobOptions>(jobs);
        services.Configure<WebhookOptions>(webhooks);
        services.AddSingleton<JobLeases>();
        // SQLite: one process, jobs handed over in memory. PostgreSQL: the Jobs table is the queue, shared by every node.
        services.AddSingleton<IJobQueue>(sp => sp.GetRequiredService<JobLeases>().Enabled
            ? ActivatorUtilities.CreateInstance<SharedJobQueue>(sp)
            : new InProcessJobQueue());
        services.AddSingleton<JobNotifier>();
        services.AddSingleton<JobCancellations>();
        services.AddSingleton<JobRegistry>();
        services.AddSingleton<JobFinisher>();
        services.AddSingleton<JobThreads>();
        services.AddSingleton<JobRunner>();
        services.AddSingleton<JobInserts>();
        services.AddSingleton<JobService>();
        services.AddSingleton<WebhookSecrets>();

        services.AddLikenessEngine();
        if (jobs.GetValue<bool>(nameof(JobOptions.EnableTestSteps)))
        {
            services.AddSingleton<IJobKind, TestStepsKind>();
            foreach (var handler in TestStepsKind.Handlers()) services.AddSingleton<IJobStepHandler>(handler);
        }

        // Checked again at delivery: every resolved address at connect time (DNS rebinding) and after every redirect.
        services.AddHttpClient("webhooks").ConfigurePrimaryHttpMessageHandler(sp =>
            Likeness.Providers.Outputs.OutboundUrlPolicy.CreateHandler(sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Url));
        if (jobs.GetValue<bool?>(nameof(JobOptions.RunWorker)) ?? true)
        {
            services.AddHostedService<JobEngine>();
            services.AddHostedService<JobLeaseHeartbeat>();
        }
        services.AddHostedService<WebhookDispatcher>();
        return services;
    }
}
