namespace Likeness.Vision.Pose;

/// <summary>
/// PoseNet's pose decoding on BodyPix outputs, kept to the main person: every confident local maximum of any
/// keypoint heatmap seeds a skeleton, which grows along the 16 parent-child edges by the displacement vectors and
/// is refined with the short offsets at each step (as TF.js decodeMultiplePoses does). The skeleton with the best
/// mean score times size wins, so a large, clearly seen subject beats people in the background. A per-keypoint
/// argmax, by contrast, happily mixes joints of different people.
/// </summary>
internal static class BodyPixPoseDecoder
{
    const int Keypoints = BodyPose.KeypointCount, Edges = 16, Stride = BodyPixSegmenter.OutputStride;
    const float SeedScore = 0.5f;
    const int MaxSeeds = 20, OffsetRefineSteps = 2;

    /// <summary>Skeleton edges (parent, child) in COCO indices, from the nose outwards.</summary>
    static readonly (int Parent, int Child)[] Chain =
    [
        (0, 1), (1, 3), (0, 2), (2, 4), (0, 5), (5, 7), (7, 9), (5, 11), (11, 13), (13, 15),
        (0, 6), (6, 8), (8, 10), (6, 12), (12, 14), (14, 16),
    ];

    /// <summary>Keypoints in input-pixel coordinates (pixel centres at integers).</summary>
    public static PoseKeypoint[] MainPerson(BodyPixSegmenter.Outputs o)
    {
        var scores = new float[o.Heatmaps.Length];
        for (int i = 0; i < scores.Length; i++) scores[i] = BodyPixSegmenter.Sigmoid(o.Heatmaps[i]);

        PoseKeypoint[]? best = null;
        float bestValue = float.MinValue;
        foreach (var (cell, k) in Seeds(o, scores))
        {
            var pose = Grow(o, scores, cell, k);
            float value = Value(pose);
            if (value > bestValue) (best, bestValue) = (pose, value);
        }
        return best ?? Grow(o, scores, ArgMax(scores, 0, o.Rows * o.Cols), 0);
    }

    /// <summary>Local maxima (3x3) scoring at least <see cref="SeedScore"/>, strongest first.</summary>
    static IEnumerable<(int Cell, int Keypoint)> Seeds(BodyPixSegmenter.Outputs o, float[] scores)
    {
        var seeds = new List<(int Cell, int Keypoint, float Score)>();
        for (int r = 0; r < o.Rows; r++)
        for (int c = 0; c < o.Cols; c++)
        for (int k = 0; k < Keypoints; k++)
        {
            float s = scores[(r * o.Cols + c) * Keypoints + k];
            if (s < SeedScore || !IsLocalMax(o, scores, r, c, k, s)) continue;
            seeds.Add((r * o.Cols + c, k, s));
        }
        return seeds.OrderByDescending(s => s.Score).Take(MaxSeeds).Select(s => (s.Cell, s.Keypoint));
    }

    static bool IsLocalMax(BodyPixSegmenter.Outputs o, float[] scores, int r, int c, int k, float s)
    {
        for (int y = Math.Max(0, r - 1); y <= Math.Min(o.Rows - 1, r + 1); y++)
        for (int x = Math.Max(0, c - 1); x <= Math.Min(o.Cols - 1, c + 1); x++)
            if (scores[(y * o.Cols + x) * Keypoints + k] > s) return false;
        return true;
    }

    static PoseKeypoint[] Grow(BodyPixSegmenter.Outputs o, float[] scores, int rootCell, int rootKeypoint)
    {
        var pose = new PoseKeypoint?[Keypoints];
        var (x, y) = Refined(o, rootCell, rootKeypoint);
        pose[rootKeypoint] = new PoseKeypoint(x, y, scores[rootCell * Keypoints + rootKeypoint]);
        // Towards the nose along backward displacements, then out to the limbs along forward ones.
        for (int e = Edges - 1; e >= 0; e--)
            if (pose[Chain[e].Child] is { } source && pose[Chain[e].Parent] is null)
                pose[Chain[e].Parent] = Traverse(o, scores, source, Chain[e].Parent, e, o.DisplacementsBackward);
        for (int e = 0; e < Edges; e++)
            if (pose[Chain[e].Parent] is { } source && pose[Chain[e].Child] is null)
                pose[Chain[e].Child] = Traverse(o, scores, source, Chain[e].Child, e, o.DisplacementsForward);
        return pose.Select(p => p!.Value).ToArray();
    }

    static PoseKeypoint Traverse(BodyPixSegmenter.Outputs o, float[] scores, PoseKeypoint source, int target, int edge, float[] displacements)
    {
        int cell = NearestCell(o, source.X, source.Y);
        float x = source.X + displacements[cell * 2 * Edges + Edges + edge];
        float y = source.Y + displacements[cell * 2 * Edges + edge];
        for (int i = 0; i < OffsetRefineSteps; i++) (x, y) = Refined(o, NearestCell(o, x, y), target);
        return new PoseKeypoint(x, y, scores[NearestCell(o, x, y) * Keypoints + target]);
    }

    /// <summary>The cell's position in input pixels plus the keypoint's short offset there.</summary>
    static (float X, float Y) Refined(BodyPixSegmenter.Outputs o, int cell, int keypoint)
    {
        int r = cell / o.Cols, c = cell % o.Cols;
        return (c * Stride + o.Offsets[cell * 2 * Keypoints + Keypoints + keypoint], r * Stride + o.Offsets[cell * 2 * Keypoints + keypoint]);
    }

    static int NearestCell(BodyPixSegmenter.Outputs o, float x, float y) =>
        Math.Clamp((int)MathF.Round(y / Stride), 0, o.Rows - 1) * o.Cols + Math.Clamp((int)MathF.Round(x / Stride), 0, o.Cols - 1);

    /// <summary>Mean score times the diagonal of the confidently placed joints: big and sure beats small or unsure.</summary>
    static float Value(PoseKeypoint[] pose)
    {
        float minX = float.MaxValue, minY = float.MaxValue, maxX = float.MinValue, maxY = float.MinValue;
        foreach (var p in pose.Where(p => p.Score >= SeedScore))
            (minX, minY, maxX, maxY) = (Math.Min(minX, p.X), Math.Min(minY, p.Y), Math.Max(maxX, p.X), Math.Max(maxY, p.Y));
        float diagonal = maxX < minX ? 0 : MathF.Sqrt((maxX - minX) * (maxX - minX) + (maxY - minY) * (maxY - minY));
        return pose.Average(p => p.Score) * diagonal;
    }

    static int ArgMax(float[] scores, int keypoint, int cells)
    {
        int best = 0;
        for (int c = 1; c < cells; c++) if (scores[c * Keypoints + keypoint] > scores[best * Keypoints + keypoint]) best = c;
        return best;
    }
}
