using Likeness.Jobs;
using Likeness.Server.Assets;
using Likeness.Server.Compose;
using Likeness.Server.Identities;
using Likeness.Server.JobEngine;
using Likeness.Server.Scenes;
using Likeness.Server.Themes;

namespace Likeness.Server;

/// <summary>
/// The composition root's list of features and their job kinds: the job engine knows none of them, each feature owns
/// its endpoints, kinds and contracts (the provider-backed ones register in Generation/ProvidersSetup).
/// </summary>
public static class ServerFeatures
{
    public static IServiceCollection AddLikenessFeatures(this IServiceCollection services)
    {
        services.AddSingleton<IJobKind, DuplicateAssetKind>();
        services.AddSingleton<IJobStepHandler, VerifyAssetStep>();
        services.AddSingleton<IJobStepHandler, CopyAssetStep>();
        services.AddSingleton<IJobKind, ComposeKind>();
        services.AddSingleton<IJobStepHandler, ComposeStep>();
        services.AddSingleton<IJobKind, SceneRenderKind>();
        services.AddSingleton<IJobStepHandler, SceneRenderStep>();
        services.AddSingleton<IJobKind, IdentityViewsKind>();
        services.AddSingleton<IJobStepHandler, IdentityViewsAnalyseStep>();
        services.AddSingleton<IJobStepHandler, IdentityViewsRenderStep>();
        services.AddSingleton<IJobResultFiles, IdentityViewsResultFiles>();
        services.AddSingleton<IJobKind, IdentityCinematicKind>();
        services.AddSingleton<IJobKind, IdentityPoseKind>();
        services.AddSingleton<IJobStepHandler, IdentityPoseStep>();
        services.AddSingleton<IJobStepHandler, CinematicStillStep>();
        services.AddSingleton<IJobStepHandler, CinematicPortraitStep>();
        services.AddSingleton<IJobStepHandler, CinematicFinalStep>();
        services.AddSingleton<IJobKind, IdentityLoraKind>();
        services.AddSingleton<IJobStepHandler, IdentityLoraTrainStep>();
        services.AddSingleton<IJobKind, ThemeKind>();
        services.AddSingleton<IJobStepHandler, ThemeStep>();
        services.AddSingleton<IJobKind, Likeness.Server.Swap.SwapKind>();
        services.AddSingleton<IJobStepHandler, Likeness.Server.Swap.SwapStep>();
        services.AddSingleton<IJobKind, Likeness.Server.Video.VideoKind>();
        services.AddSingleton<IJobStepHandler, Likeness.Server.Video.VideoStep>();
        services.AddSingleton<IJobKind, IdentityPanelKind>();
        services.AddSingleton<IJobStepHandler, IdentityPanelStep>();
        return services;
    }
}
