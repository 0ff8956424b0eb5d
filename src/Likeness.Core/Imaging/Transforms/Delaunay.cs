using System.Numerics;

namespace Likeness.Imaging.Transforms;

/// <summary>
/// Delaunay triangulation (Bowyer–Watson). Ours rather than a package: the feed has no small, maintained 2-D
/// triangulation library, and a few hundred landmarks need nothing faster than this O(n²) form.
/// </summary>
public static class Delaunay
{
    /// <summary>Triangles as index triples into <paramref name="points"/>, counter-clockwise in image coordinates.</summary>
    public static int[] Triangulate(ReadOnlySpan<Vector2> points)
    {
        var n = points.Length;
        if (n < 3) return [];
        var min = new Vector2(float.MaxValue);
        var max = new Vector2(float.MinValue);
        foreach (var p in points) (min, max) = (Vector2.Min(min, p), Vector2.Max(max, p));
        var span = MathF.Max(max.X - min.X, max.Y - min.Y) * 1000 + 1;
        var mid = (min + max) / 2;
        var all = new Vector2[n + 3];
        points.CopyTo(all);
        all[n] = mid + new Vector2(-span, -span);
        all[n + 1] = mid + new Vector2(span, -span);
        all[n + 2] = mid + new Vector2(0, span);

        var triangles = new List<Triangle> { Triangle.Of(all, n, n + 1, n + 2) };
        var edges = new Dictionary<(int, int), int>();
        for (var i = 0; i < n; i++)
        {
            var p = all[i];
            edges.Clear();
            for (var t = triangles.Count - 1; t >= 0; t--)
            {
                var tri = triangles[t];
                if (!tri.CircumcircleContains(p)) continue;
                Count(edges, tri.A, tri.B);
                Count(edges, tri.B, tri.C);
                Count(edges, tri.C, tri.A);
                triangles[t] = triangles[^1];
                triangles.RemoveAt(triangles.Count - 1);
            }
            foreach (var ((a, b), count) in edges)
                if (count == 1) triangles.Add(Triangle.Of(all, a, b, i));
        }
        var result = new List<int>(triangles.Count * 3);
        foreach (var t in triangles)
        {
            if (t.A >= n || t.B >= n || t.C >= n) continue;
            result.Add(t.A);
            result.Add(t.B);
            result.Add(t.C);
        }
        return [.. result];
    }

    static void Count(Dictionary<(int, int), int> edges, int a, int b)
    {
        var key = a < b ? (a, b) : (b, a);
        edges[key] = edges.GetValueOrDefault(key) + 1;
    }

    readonly record struct Triangle(int A, int B, int C, Vector2 Center, float RadiusSquared)
    {
        public static Triangle Of(Vector2[] p, int a, int b, int c)
        {
            // Counter-clockwise order keeps the winding consistent for callers that test orientation.
            if (Cross(p[b] - p[a], p[c] - p[a]) < 0) (b, c) = (c, b);
            var (ax, ay, bx, by, cx, cy) = ((double)p[a].X, (double)p[a].Y, (double)p[b].X, (double)p[b].Y, (double)p[c].X, (double)p[c].Y);
            var d = 2 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by));
            if (Math.Abs(d) < 1e-12) return new Triangle(a, b, c, p[a], float.MaxValue);
            var ux = ((ax * ax + ay * ay) * (by - cy) + (bx * bx + by * by) * (cy - ay) + (cx * cx + cy * cy) * (ay - by)) / d;
            var uy = ((ax * ax + ay * ay) * (cx - bx) + (bx * bx + by * by) * (ax - cx) + (cx * cx + cy * cy) * (bx - ax)) / d;
            var center = new Vector2((float)ux, (float)uy);
            return new Triangle(a, b, c, center, (float)((ux - ax) * (ux - ax) + (uy - ay) * (uy - ay)));
        }

        public bool CircumcircleContains(Vector2 p) => Vector2.DistanceSquared(p, Center) <= RadiusSquared;
    }

    static float Cross(Vector2 a, Vector2 b) => a.X * b.Y - a.Y * b.X;
}
