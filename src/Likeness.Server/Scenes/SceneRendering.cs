using Likeness.Compositing;
using Likeness.Server.Data;
using Microsoft.EntityFrameworkCore;
using Likeness.Server.Identities;

namespace Likeness.Server.Scenes;

/// <summary>What a scene needs before it can be rendered locally, and how its stored fields map onto the engine.</summary>
public static class SceneRendering
{
    /// <summary>Null when the scene can be rendered here; otherwise what to change, addressed to the user.</summary>
    public static async Task<string?> ProblemAsync(Scene scene, LikenessDb db, IEnumerable<Likeness.Providers.IGenerativeProvider> providers, CancellationToken ct)
    {
        if (scene.CompositeMode is CompositeMode.Inpaint or CompositeMode.Generate
            && Likeness.Server.Generation.GatedJobGeneration.NoProviderProblem(providers, $"compositeMode '{Wire(scene.CompositeMode)}'") is { } noProvider)
            return noProvider + $" Or set compositeMode to 'overlay' to compose the person locally (PUT /scenes/{scene.Id}).";
        if (scene.BackgroundAssetId is null)
            return $"The scene has no background: set backgroundAssetId to one of your BACKGROUND assets (PUT /scenes/{scene.Id}).";
        if (scene.ExportPreset is { } preset && !ExportPresets.All.ContainsKey(preset))
            return $"The scene's export preset '{preset}' is not known; set exportPreset to one of {string.Join(", ", ExportPresets.All.Keys)} or null.";
        if (scene.CompositeMode == CompositeMode.None) return null;
        if (scene.HeadshotAssetId is null && scene.IdentityId is null)
            return $"The scene has no person: set headshotAssetId to one of your HEADSHOT assets or identityId to an identity with accepted photos (PUT /scenes/{scene.Id}).";
        if (scene.IdentityId is { } identity && await IdentityPortrait.FindAsync(db, identity, ct) is null)
            return $"Identity {identity} has no accepted photos or views yet: upload photos (POST /identities/{identity}/photos) or set headshotAssetId instead.";
        return null;
    }

    /// <summary>
    /// The stored default position (0.5, 0.5, 1, 0) is what a scene has when nobody placed the person, so it means
    /// automatic placement (face-width scaling, feet on the ground, the quieter side of the scene). Any other value is explicit.
    /// </summary>
    public static Likeness.Compositing.PersonPosition? Position(Scene s) =>
        s is { PersonX: 0.5, PersonY: 0.5, PersonScale: 1, PersonRotation: 0 }
            ? null
            : new Likeness.Compositing.PersonPosition(s.PersonX, s.PersonY, s.PersonScale, s.PersonRotation);

    public static string Wire(CompositeMode mode) => mode.ToString().ToLowerInvariant();
}
