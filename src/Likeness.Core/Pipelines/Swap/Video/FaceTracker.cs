using System.Numerics;
using Likeness.Imaging;
using Likeness.Vision;
using Likeness.Vision.Faces;
using Likeness.Vision.Faces.Landmarks;

namespace Likeness.Pipelines.Swap.Video;

public sealed class FaceTrack
{
    public required int Id { get; init; }
    public required DetectedFace Face { get; set; }
    public FaceLandmarks? Mesh { get; set; }
    public int Misses { get; set; }
    public int FirstFrame { get; init; }
    public int Frames { get; set; }
    /// <summary>Seen in the current frame (false while it is being searched for again).</summary>
    public bool Visible { get; set; }
}

/// <summary>
/// Faces across video frames: the detector runs every <c>detectEvery</c> frames (and whenever a face is lost);
/// between, each face's mesh from the previous frame places the next (landmark tracking), smoothed over time so the
/// swapped face does not shimmer. Detections are matched to tracks by overlap, so a person keeps their track id.
/// </summary>
public sealed class FaceTracker(VisionEngine engine, int detectEvery = 5, float minPresence = 0.5f)
{
    // Between detections the crop comes from last frame's mesh, already tight: one mesh pass is enough (the
    // engine's landmarker refines a detector box in two).
    readonly FaceMeshLandmarker follow = new(engine.Sessions, new FaceMeshOptions { Passes = 1 });
    readonly List<FaceTrack> tracks = [];
    int nextId;
    bool redetect = true;

    public IReadOnlyList<FaceTrack> Tracks => tracks;

    /// <param name="followOnly">
    /// When set, only the tracks it names are followed by their mesh on every frame; the others are kept by the
    /// detector alone (their box and visibility updated every <c>detectEvery</c> frames, no mesh), which is all a swap
    /// of one person needs from them. Without it every track is followed.
    /// </param>
    public async Task<IReadOnlyList<FaceTrack>> UpdateAsync(RgbaImage frame, int frameIndex, CancellationToken ct, Func<int, bool>? followOnly = null)
    {
        bool Followed(FaceTrack t) => followOnly is null || followOnly(t.Id);
        if (redetect || frameIndex % Math.Max(1, detectEvery) == 0) await DetectAsync(frame, frameIndex, Followed, ct);
        redetect = false;
        foreach (var track in tracks)
        {
            if (!Followed(track)) continue;
            var following = track.Visible && track.Mesh is not null;
            var face = following ? FromMesh(track.Mesh!) : track.Face;
            var mesh = following ? await follow.DetectAsync(frame, face, ct) : await engine.Landmarker.DetectAsync(frame, face, ct);
            if (mesh.Presence < minPresence)
            {
                track.Visible = false;
                track.Misses++;
                redetect = true;
                continue;
            }
            track.Mesh = track.Mesh is { } last && track.Visible ? Smooth(last, mesh) : mesh;
            track.Face = FromMesh(track.Mesh);
            track.Visible = true;
            track.Misses = 0;
            track.Frames++;
        }
        tracks.RemoveAll(t => t.Misses > 2 * detectEvery);
        return tracks.Where(t => t.Visible).ToList();
    }

    async Task DetectAsync(RgbaImage frame, int frameIndex, Func<FaceTrack, bool> followed, CancellationToken ct)
    {
        var detections = (await engine.Detector.DetectAsync(frame, ct: ct)).ToList();
        var unmatched = new List<FaceTrack>(tracks);
        foreach (var detection in detections)
        {
            var best = unmatched.Select(t => (Track: t, IoU: t.Face.Box.IntersectionOverUnion(detection.Box))).OrderByDescending(x => x.IoU).FirstOrDefault();
            if (best.Track is not null && best.IoU >= 0.3f)
            {
                unmatched.Remove(best.Track);
                if (!followed(best.Track))
                {
                    // Kept by the detector alone: its box is the detection's, and it is seen.
                    (best.Track.Face, best.Track.Mesh, best.Track.Visible, best.Track.Misses) = (detection, null, true, 0);
                    best.Track.Frames++;
                }
                else if (!best.Track.Visible) best.Track.Face = detection;
                continue;
            }
            tracks.Add(new FaceTrack { Id = nextId++, Face = detection, FirstFrame = frameIndex });
        }
        foreach (var gone in unmatched)
        {
            gone.Visible = false;
            gone.Misses++;
        }
    }

    /// <summary>A detector-style face from a mesh: its bounds and five keypoints, what the landmarker crops from.</summary>
    static DetectedFace FromMesh(FaceLandmarks mesh)
    {
        var b = mesh.Bounds;
        return new DetectedFace(b, mesh.Presence, mesh.ToFivePoints());
    }

    /// <summary>
    /// Exponential smoothing whose weight follows the motion: still faces are steadied, a turning or moving head is
    /// followed at once (smoothing it would drag the swapped face behind the real one).
    /// </summary>
    static FaceLandmarks Smooth(FaceLandmarks previous, FaceLandmarks current)
    {
        var size = MathF.Max(current.Bounds.Width, current.Bounds.Height);
        float motion = 0;
        for (var i = 0; i < current.Count; i++) motion += Vector2.Distance(current[i], previous[i]);
        motion /= current.Count * MathF.Max(1, size);
        var keep = Math.Clamp(0.6f - motion * 30, 0, 0.6f);
        var points = new Vector3[current.Count];
        for (var i = 0; i < points.Length; i++) points[i] = Vector3.Lerp(current.Points[i], previous.Points[i], keep);
        return new FaceLandmarks(current.Layout, points, current.Presence);
    }
}
