using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Transforms;
using Likeness.Vision.Faces.Landmarks;
using Likeness.Vision.Faces.Pose;
using Likeness.Vision.Identity;

namespace Likeness.Pipelines.Swap;

/// <summary>
/// The person whose face is put into the targets: the texture comes from their most frontal photo (the one the mesh
/// sees best), their identity from every photo (template), the triangulation from that photo's mesh.
/// </summary>
public sealed class SwapSource
{
    public required string Name { get; init; }
    public required RgbaImage Image { get; init; }
    public required FaceLandmarks Mesh { get; init; }
    public required HeadPose Pose { get; init; }
    public required IdentityTemplate Identity { get; init; }
    public required int[] Triangles { get; init; }
    public int PhotosUsed { get; init; }

    public Vector2[] Points => Enumerable.Range(0, Mesh.Count).Select(i => Mesh[i]).ToArray();

    /// <summary>Needs at least one photo with one clear face; the others add to the identity template only.</summary>
    public static async Task<SwapSource> FromPhotosAsync(VisionEngine engine, IReadOnlyList<(string Name, RgbaImage Image)> photos, CancellationToken ct = default)
    {
        if (photos.Count == 0) throw new ArgumentException("The source needs at least one photo of the person.");
        var candidates = new List<(string Name, RgbaImage Image, FaceLandmarks Mesh, HeadPose Pose, FaceEmbedding Embedding, float Width)>();
        var problems = new List<string>();
        foreach (var (name, image) in photos)
        {
            var embedded = await engine.Identity.EmbedDominantFaceAsync(image, ct);
            if (embedded.Embedding is null || embedded.Face is null) { problems.Add($"{name}: {embedded.Problem}"); continue; }
            var mesh = await engine.Landmarker.DetectAsync(image, embedded.Face, ct);
            candidates.Add((name, image, mesh, HeadPoseEstimator.Estimate(mesh), embedded.Embedding, embedded.Face.Box.Width));
        }
        if (candidates.Count == 0)
            throw new ArgumentException($"No usable face in the source photo(s): {string.Join("; ", problems)}. Give a clear, well-lit photo of one person's face.");
        // Frontal first, then larger: the texture must show both halves of the face.
        var best = candidates.OrderBy(c => MathF.Abs(c.Pose.Yaw) > 15 ? 1 : 0).ThenBy(c => MathF.Abs(c.Pose.Yaw) - c.Width / 100f).First();
        var points = Enumerable.Range(0, best.Mesh.Count).Select(i => best.Mesh[i]).ToArray();
        return new SwapSource
        {
            Name = best.Name, Image = best.Image, Mesh = best.Mesh, Pose = best.Pose, PhotosUsed = candidates.Count,
            Identity = IdentityTemplate.FromEmbeddings(candidates.Select(c => c.Embedding)),
            Triangles = Delaunay.Triangulate(points),
        };
    }
}
