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
    /// <summary>The chosen photo's texture: alpha marks what may be warped (hair, collars and grazing sides faded out).</summary>
    public required RgbaImage Image { get; init; }
    /// <summary>The chosen photo as it was (what a provider's learned swap is given).</summary>
    public required RgbaImage Photo { get; init; }
    public required FaceLandmarks Mesh { get; init; }
    public required HeadPose Pose { get; init; }
    public required IdentityTemplate Identity { get; init; }
    public required int[] Triangles { get; init; }
    public int PhotosUsed { get; init; }

    /// <summary>The mesh's image points, made once: every swapped face and frame reads them.</summary>
    public Vector2[] Points => _points ??= Enumerable.Range(0, Mesh.Count).Select(i => Mesh[i]).ToArray();
    Vector2[]? _points;

    /// <summary>
    /// Needs at least one photo with one clear face; the others add to the identity template only. With a parser, what
    /// covers the source face (hair, a collar) is marked unusable in the texture's alpha, so it is never warped onto a target.
    /// </summary>
    public static async Task<SwapSource> FromPhotosAsync(VisionEngine engine, IReadOnlyList<(string Name, RgbaImage Image)> photos,
        Likeness.Vision.Parsing.ISkinClothesHairParser? parser = null, CancellationToken ct = default)
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
        var texture = best.Image.Clone();
        if (parser is not null) await MarkCoveredAsync(texture, best.Mesh, parser, ct);
        var triangles = Delaunay.Triangulate(points);
        MarkGrazing(texture, best.Mesh, triangles);
        return new SwapSource
        {
            Name = best.Name, Image = texture, Photo = best.Image, Mesh = best.Mesh, Pose = best.Pose, PhotosUsed = candidates.Count,
            Identity = IdentityTemplate.FromEmbeddings(candidates.Select(c => c.Embedding)),
            Triangles = triangles,
        };
    }

    /// <summary>
    /// Alpha = 1 - (hair, clothes or background), parsed on a crop around the face so the parser sees it large.
    /// Background counts only in the outer ring of the face oval: there the mesh overshoots the face on a turned head
    /// and would smear the street behind it across the target's cheek; inside (eyes, brows, lips) nothing need read
    /// as skin to the parser.
    /// </summary>
    static async Task MarkCoveredAsync(RgbaImage texture, FaceLandmarks mesh, Likeness.Vision.Parsing.ISkinClothesHairParser parser, CancellationToken ct)
    {
        var b = mesh.Bounds;
        var size = MathF.Max(b.Width, b.Height);
        var region = Rect.FromEdges((int)(b.X - size * 0.3f), (int)(b.Y - size * 0.3f), (int)(b.Right + size * 0.3f) + 1, (int)(b.Bottom + size * 0.3f) + 1)
            .Intersect(new Rect(0, 0, texture.Width, texture.Height));
        var parsed = await parser.ParseAsync(texture.Crop(region), ct);
        var inner = new FloatPlane(region.Width, region.Height);
        LandmarkMasks.Fill(inner, LandmarkMasks.InnerFaceOval(mesh).Select(p => p - new Vector2(region.X, region.Y)).ToArray(), 1);
        for (var y = 0; y < region.Height; y++)
        {
            var row = texture.PixelRow(y + region.Y).Slice(region.X, region.Width);
            for (var x = 0; x < row.Length; x++)
            {
                var i = y * region.Width + x;
                var covered = MathF.Max(parsed.Hair.Data[i], parsed.Clothes.Data[i]);
                var background = Math.Clamp(1 - MathF.Max(parsed.Skin.Data[i], covered), 0, 1) * (1 - inner.Data[i]);
                row[x].A = (byte)MathF.Round(Math.Clamp(1 - MathF.Max(covered, background), 0, 1) * 255);
            }
        }
    }

    /// <summary>
    /// Where the source face turns away from the camera (the far cheek of a turned head, the sides near the ears) the
    /// mesh still has points, but the photo there shows little skin, hair or background, stretched when warped onto a
    /// frontal target. Each vertex's facing (how much its surface normal points at the camera) fades the alpha there.
    /// </summary>
    static void MarkGrazing(RgbaImage texture, FaceLandmarks mesh, int[] triangles)
    {
        var normals = new Vector3[mesh.Count];
        for (var t = 0; t < triangles.Length; t += 3)
        {
            var (a, b, c) = (mesh.Points[triangles[t]], mesh.Points[triangles[t + 1]], mesh.Points[triangles[t + 2]]);
            var n = Vector3.Cross(b - a, c - a);
            normals[triangles[t]] += n;
            normals[triangles[t + 1]] += n;
            normals[triangles[t + 2]] += n;
        }
        var confidence = normals.Select(n =>
        {
            var facing = n.Length() > 0 ? MathF.Abs(n.Z) / n.Length() : 0;
            var x = Math.Clamp((facing - 0.1f) / 0.2f, 0, 1);
            return x * x * (3 - 2 * x);
        }).ToArray();
        for (var t = 0; t < triangles.Length; t += 3)
        {
            int ia = triangles[t], ib = triangles[t + 1], ic = triangles[t + 2];
            var (ca, cb, cc) = (confidence[ia], confidence[ib], confidence[ic]);
            if (ca >= 1 && cb >= 1 && cc >= 1) continue;
            Vector2 a = mesh[ia], b = mesh[ib], c = mesh[ic];
            var area = (b.X - a.X) * (c.Y - a.Y) - (c.X - a.X) * (b.Y - a.Y);
            if (MathF.Abs(area) < 1e-3f) continue;
            int x0 = Math.Max(0, (int)MathF.Floor(MathF.Min(a.X, MathF.Min(b.X, c.X)))), x1 = Math.Min(texture.Width - 1, (int)MathF.Ceiling(MathF.Max(a.X, MathF.Max(b.X, c.X))));
            int y0 = Math.Max(0, (int)MathF.Floor(MathF.Min(a.Y, MathF.Min(b.Y, c.Y)))), y1 = Math.Min(texture.Height - 1, (int)MathF.Ceiling(MathF.Max(a.Y, MathF.Max(b.Y, c.Y))));
            for (var y = y0; y <= y1; y++)
            {
                var row = texture.PixelRow(y);
                for (var x = x0; x <= x1; x++)
                {
                    var l1 = ((x - a.X) * (c.Y - a.Y) - (c.X - a.X) * (y - a.Y)) / area;
                    var l2 = ((b.X - a.X) * (y - a.Y) - (x - a.X) * (b.Y - a.Y)) / area;
                    var l0 = 1 - l1 - l2;
                    if (l0 < -1e-4f || l1 < -1e-4f || l2 < -1e-4f) continue;
                    var k = l0 * ca + l1 * cb + l2 * cc;
                    row[x].A = (byte)MathF.Round(row[x].A * k);
                }
            }
        }
    }
}
