using Likeness.Inference;
using Likeness.Models;
using Microsoft.Extensions.Logging;

namespace Likeness.Vision.Pose;

/// <summary>Picks a body-pose estimator by name, and the default with its fallback.</summary>
public static class PoseEstimators
{
    /// <summary>Every accepted name, for help texts and error messages.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [MoveNetPoseEstimator.LightningModel, MoveNetPoseEstimator.ThunderModel, BodyPixSegmenter.Model, "lightning", "thunder"];

    public static IPoseEstimator Create(IModelSessions sessions, string name) => name.Trim().ToLowerInvariant() switch
    {
        MoveNetPoseEstimator.LightningModel or "lightning" => new MoveNetPoseEstimator(sessions),
        MoveNetPoseEstimator.ThunderModel or "thunder" => new MoveNetPoseEstimator(sessions, MoveNetVariant.Thunder),
        BodyPixSegmenter.Model => new BodyPixSegmenter(sessions),
        _ => throw new ArgumentException($"unknown pose model '{name}'; use one of: {string.Join(", ", Names)}", nameof(name)),
    };

    /// <summary>
    /// MoveNet lightning when it can be loaded. MoveNet has no upstream download (only mirrors carry it), so when it
    /// is unavailable this logs a warning and falls back to BodyPix, which the model store can always fetch.
    /// </summary>
    public static async Task<IPoseEstimator> DefaultAsync(IModelSessions sessions, ILogger? logger = null, CancellationToken ct = default)
    {
        try
        {
            await sessions.GetAsync(MoveNetPoseEstimator.LightningModel, ct);
            return new MoveNetPoseEstimator(sessions);
        }
        catch (ModelUnavailableException e)
        {
            logger?.LogWarning("Body pose falls back to BodyPix (less precise joints): {Model} is unavailable. {Reason}",
                MoveNetPoseEstimator.LightningModel, e.Message);
            return new BodyPixSegmenter(sessions);
        }
    }

    /// <summary>
    /// The most precise estimator that can be loaded: MoveNet thunder, else the default (lightning, else BodyPix), with a
    /// warning. Pose templates and the pose gate use it; thunder, like lightning, comes only from mirrors.
    /// </summary>
    public static async Task<IPoseEstimator> MostPreciseAsync(IModelSessions sessions, ILogger? logger = null, CancellationToken ct = default)
    {
        try
        {
            await sessions.GetAsync(MoveNetPoseEstimator.ThunderModel, ct);
            return new MoveNetPoseEstimator(sessions, MoveNetVariant.Thunder);
        }
        catch (ModelUnavailableException e)
        {
            logger?.LogWarning("Pose templates and the pose gate fall back to a less precise model: {Model} is unavailable. {Reason}", MoveNetPoseEstimator.ThunderModel, e.Message);
            return await DefaultAsync(sessions, logger, ct);
        }
    }
}
