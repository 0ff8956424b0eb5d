using Likeness.Jobs;
using Likeness.Server.Jobs.Kinds;

namespace Likeness.Server.Jobs;

public static class JobsSetup
{
    public static IServiceCollection AddLikenessJobs(this IServiceCollection services, IConfigurationSection jobs, IConfigurationSection webhooks)
    {
        services.Configure<JobOptions>(jobs);
        services.Configure<WebhookOptions>(webhooks);
        services.AddSingleton<IJobQueue, InProcessJobQueue>();
        services.AddSingleton<JobNotifier>();
        services.AddSingleton<JobCancellations>();
        services.AddSingleton<JobRegistry>();
        services.AddSingleton<JobFinisher>();
        services.AddSingleton<JobRunner>();
        services.AddSingleton<JobService>();

        services.AddSingleton<IJobKind, DuplicateAssetKind>();
        services.AddSingleton<IJobStepHandler, VerifyAssetStep>();
        services.AddSingleton<IJobStepHandler, CopyAssetStep>();
        if (jobs.GetValue<bool>(nameof(JobOptions.EnableTestSteps)))
        {
            services.AddSingleton<IJobKind, TestStepsKind>();
            foreach (var handler in TestStepsKind.Handlers()) services.AddSingleton<IJobStepHandler>(handler);
        }

        services.AddHttpClient("webhooks");
        services.AddHostedService<JobEngine>();
        services.AddHostedService<WebhookDispatcher>();
        return services;
    }
}
