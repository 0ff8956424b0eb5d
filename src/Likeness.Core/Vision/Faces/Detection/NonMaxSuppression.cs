namespace Likeness.Vision.Faces.Detection;

/// <summary>Greedy non-maximum suppression over scored faces.</summary>
public static class NonMaxSuppression
{
    public static List<DetectedFace> Apply(List<DetectedFace> candidates, float iouThreshold, int maxKeep)
    {
        candidates.Sort((a, b) => b.Score.CompareTo(a.Score));
        var kept = new List<DetectedFace>();
        foreach (var c in candidates)
        {
            bool overlaps = false;
            foreach (var k in kept)
                if (k.Box.IntersectionOverUnion(c.Box) > iouThreshold) { overlaps = true; break; }
            if (!overlaps) kept.Add(c);
            if (kept.Count >= maxKeep) break;
        }
        return kept;
    }

    /// <summary>Drops small faces and orders the rest by box area, largest first.</summary>
    public static IReadOnlyList<DetectedFace> Finish(List<DetectedFace> faces, FaceDetectionOptions options)
    {
        var kept = Apply(faces, options.NmsIouThreshold, options.MaxFaces);
        kept.RemoveAll(f => f.Box.Width < options.MinFaceSize);
        kept.Sort((a, b) => b.Box.Area.CompareTo(a.Box.Area));
        return kept;
    }
}
