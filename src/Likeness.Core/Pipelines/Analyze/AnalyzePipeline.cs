using Likeness.Imaging;
using Likeness.Imaging.Drawing;
using Likeness.Vision;
using Likeness.Vision.Faces.Landmarks;
using Likeness.Vision.Faces.Quality;
using Likeness.Vision.Pose;

namespace Likeness.Pipelines.Analyze;

public sealed record FaceAnalysis(int Index, BoxF Box, float Score, float[][] Keypoints, float Yaw, float Pitch, float Roll, string View,
    string PoseSource, FaceQuality? Quality, string EmbeddingModel, int EmbeddingDimensions, double EmbeddingNorm, float MeshPresence);

public sealed record PhotoAnalysis(string Photo, int Width, int Height, IReadOnlyList<FaceAnalysis> Faces, double PersonCoverage,
    string MattingModel, string? PoseModel, IReadOnlyList<float[]>? BodyKeypoints, string? Problem, string? Framing = null);

/// <summary>`likeness analyze`: everything the local engine sees in a photo, and an optional overlay drawing.</summary>
public sealed class AnalyzePipeline(VisionEngine engine, string matting = "fast")
{
    readonly FaceQualityAnalyzer _quality = new(engine.Sessions);

    public async Task<(PhotoAnalysis Analysis, RgbaImage? Drawing)> AnalyzeAsync(EncodedImage photo, bool draw, CancellationToken ct = default)
    {
        RgbaImage image;
        try { image = photo.Decode(); }
        catch (LikenessException e) { return (new PhotoAnalysis(photo.Name, 0, 0, [], 0, "", null, null, e.Message), null); }

        var faces = await engine.Detector.DetectAsync(image, ct: ct);
        var results = new List<FaceAnalysis>();
        var meshes = new List<FaceLandmarks>();
        for (int i = 0; i < faces.Count; i++)
        {
            var face = faces[i];
            var mesh = await engine.Landmarker.DetectAsync(image, face, ct);
            meshes.Add(mesh);
            var pose = Likeness.Vision.Faces.Pose.HeadPoseEstimator.Estimate(mesh);
            var quality = await _quality.AnalyzeAsync(image, face, mesh, ct);
            var embedding = await engine.Identity.EmbedFaceAsync(image, face, ct);
            double norm = Math.Sqrt(embedding.Vector.Sum(v => (double)v * v));
            results.Add(new FaceAnalysis(i, face.Box, face.Score, face.Keypoints.Select(k => new[] { k.X, k.Y }).ToArray(),
                pose.Yaw, pose.Pitch, pose.Roll, pose.View.ToString(), pose.Source.ToString(), quality,
                embedding.ModelName, embedding.Vector.Length, Math.Round(norm, 4), mesh.Presence));
        }

        var matte = await engine.Matting(matting).MatteAsync(image, ct);
        var estimator = await PoseEstimators.DefaultAsync(engine.Sessions, ct: ct);
        var body = await estimator.EstimateAsync(image, ct);
        var analysis = new PhotoAnalysis(photo.Name, image.Width, image.Height, results, Math.Round(matte.Coverage, 4), matte.ModelName,
            body.ModelName, body.Keypoints.Select(k => new[] { k.X, k.Y, k.Score }).ToList(),
            faces.Count == 0 ? "no face found: use a photo where a face is clearly visible" : null,
            faces.Count == 0 ? null : Likeness.Vision.Framing.FramingClassifier.Classify(faces[0].Box, matte).Name);

        if (!draw) return (analysis, null);
        var canvas = image.Clone();
        PoseDrawing.Draw(canvas, body);
        int thickness = Math.Max(2, image.Width / 400);
        for (int i = 0; i < faces.Count; i++)
        {
            var f = faces[i];
            canvas.DrawRectangle(f.Box.ToRect(image.Width, image.Height), new Rgba32(0, 255, 0), thickness);
            foreach (var p in meshes[i].Points) canvas.FillCircle(new System.Numerics.Vector2(p.X, p.Y), Math.Max(1, thickness / 2f), new Rgba32(0, 200, 255));
            foreach (var k in f.Keypoints) canvas.FillCircle(k, thickness * 1.5f, new Rgba32(255, 0, 0));
            var a = results[i];
            canvas.DrawText($"{a.View} yaw {a.Yaw:+0;-0}", (int)f.Box.X, Math.Max(0, (int)f.Box.Y - 10 * Math.Max(1, thickness)), new Rgba32(255, 255, 0), Math.Max(1, thickness));
        }
        return (analysis, canvas);
    }
}
