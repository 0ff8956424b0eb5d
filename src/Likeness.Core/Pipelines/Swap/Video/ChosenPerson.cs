using Likeness.Imaging;
using Likeness.Vision.Identity;

namespace Likeness.Pipelines.Swap.Video;

/// <summary>
/// The person a one-face video swap follows, across scene cuts: tracks break at a cut (the face jumps), so each new
/// track is compared with the person's own face (identity embeddings) and joins the swap when it is them. The first
/// frame's largest face is the person; later, larger views of them are added, so a 40-pixel face in a wide shot still
/// finds the close-up.
/// </summary>
public sealed class ChosenPerson(FaceIdentityService identity)
{
    /// <summary>How many detection frames a new track is compared on before it is taken for someone else.</summary>
    public const int Tries = 5;

    readonly List<FaceEmbedding> views = [];
    readonly HashSet<int> tracks = [];
    readonly Dictionary<int, int> tried = [];
    float largestView;

    public bool IsChosen => tracks.Count > 0;
    public IReadOnlySet<int> Tracks => tracks;

    /// <summary>Takes the largest visible face as the person (first frame with a face).</summary>
    public async Task ChooseAsync(RgbaImage frame, IReadOnlyList<FaceTrack> visible, CancellationToken ct)
    {
        if (IsChosen || visible.Count == 0) return;
        var first = visible.MaxBy(t => t.Face.Box.Area)!;
        tracks.Add(first.Id);
        await AddViewAsync(frame, first, ct);
    }

    /// <summary>On a detection frame: new tracks showing the person join; the person's tracks add larger views of them.</summary>
    public async Task UpdateAsync(RgbaImage frame, IReadOnlyList<FaceTrack> visible, CancellationToken ct)
    {
        foreach (var track in visible)
        {
            if (tracks.Contains(track.Id))
            {
                if (track.Face.Box.Width >= largestView * 1.5f) await AddViewAsync(frame, track, ct);
                continue;
            }
            var n = tried.GetValueOrDefault(track.Id);
            if (n >= Tries) continue;
            tried[track.Id] = n + 1;
            var probe = await identity.EmbedFaceAsync(frame, track.Face, ct);
            if (views.Max(v => v.CosineSimilarity(probe)) >= identity.Settings.Threshold)
            {
                tracks.Add(track.Id);
                views.Add(probe);
                largestView = MathF.Max(largestView, track.Face.Box.Width);
            }
        }
    }

    async Task AddViewAsync(RgbaImage frame, FaceTrack track, CancellationToken ct)
    {
        views.Add(await identity.EmbedFaceAsync(frame, track.Face, ct));
        largestView = MathF.Max(largestView, track.Face.Box.Width);
    }
}
