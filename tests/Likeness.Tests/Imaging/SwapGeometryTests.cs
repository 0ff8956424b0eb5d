using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Blending;
using Likeness.Imaging.Transforms;

namespace Likeness.Tests.Imaging;

/// <summary>The swap's building blocks: Delaunay triangulation, piecewise-affine warp, multi-band blend.</summary>
public sealed class SwapGeometryTests
{
    [Fact]
    public void Delaunay_triangles_cover_every_point_and_no_circumcircle_holds_another_point()
    {
        var random = new Random(7);
        var points = Enumerable.Range(0, 300).Select(_ => new Vector2(random.NextSingle() * 500, random.NextSingle() * 400)).ToArray();
        var triangles = Delaunay.Triangulate(points);
        Assert.Equal(0, triangles.Length % 3);
        Assert.Equal(points.Length, triangles.Distinct().Count());
        for (var t = 0; t < triangles.Length; t += 3)
        {
            var (a, b, c) = (points[triangles[t]], points[triangles[t + 1]], points[triangles[t + 2]]);
            Assert.True((b.X - a.X) * (c.Y - a.Y) - (b.Y - a.Y) * (c.X - a.X) > 0, "counter-clockwise");
            var (center, radius) = Circumcircle(a, b, c);
            for (var i = 0; i < points.Length; i++)
            {
                if (i == triangles[t] || i == triangles[t + 1] || i == triangles[t + 2]) continue;
                Assert.True(Vector2.Distance(points[i], center) >= radius - 1e-2f, $"point {i} inside the circumcircle of triangle {t / 3}");
            }
        }
        // Euler: a triangulation of n points with h on the hull has 2n - 2 - h triangles.
        var hull = Likeness.Vision.Faces.Landmarks.MeshAreas.ConvexHull(points).Length;
        Assert.Equal(2 * points.Length - 2 - hull, triangles.Length / 3);
    }

    [Fact]
    public void Warping_onto_the_same_points_reproduces_the_source()
    {
        var source = Gradient(200, 160);
        Vector2[] points = [new(10, 10), new(190, 10), new(190, 150), new(10, 150), new(100, 80), new(60, 40), new(140, 120)];
        var triangles = Delaunay.Triangulate(points);
        var region = new Rect(0, 0, 200, 160);
        var (warped, coverage) = PiecewiseAffineWarp.Warp(source, points, points, [], triangles, region);
        long diff = 0, covered = 0;
        for (var y = 12; y < 148; y++)
            for (var x = 12; x < 188; x++)
            {
                Assert.Equal(1f, coverage[x, y], 3);
                diff += Math.Abs(warped[x, y].R - source[x, y].R) + Math.Abs(warped[x, y].G - source[x, y].G);
                covered++;
            }
        Assert.True(diff / (2.0 * covered) < 0.6, $"mean difference {diff / (2.0 * covered):0.00}");
        Assert.Equal(0f, coverage[2, 2]);   // outside every triangle
    }

    [Fact]
    public void Warping_moves_pixels_with_the_points()
    {
        var source = RgbaImage.Filled(100, 100, new Rgba32(0, 0, 0));
        for (var y = 40; y < 60; y++) for (var x = 20; x < 40; x++) source[x, y] = new Rgba32(255, 255, 255);
        Vector2[] from = [new(0, 0), new(99, 0), new(99, 99), new(0, 99)];
        Vector2[] to = [.. from.Select(p => p + new Vector2(30, 0))];
        var (warped, _) = PiecewiseAffineWarp.Warp(source, from, to, [], Delaunay.Triangulate(from), new Rect(0, 0, 130, 100));
        Assert.Equal(255, warped[60, 50].R);   // the white square moved 30 px right
        Assert.Equal(0, warped[35, 50].R);
    }

    [Fact]
    public void Multi_band_blend_takes_the_foreground_under_the_mask_and_keeps_the_background_elsewhere()
    {
        var background = RgbaImage.Filled(128, 128, new Rgba32(20, 40, 60));
        var foreground = Gradient(128, 128);
        var mask = new FloatPlane(128, 128);
        for (var y = 0; y < 128; y++) for (var x = 0; x < 64; x++) mask[x, y] = 1;
        var blended = MultiBandBlend.Blend(background, foreground, mask);
        Assert.InRange(Math.Abs(blended[10, 64].R - foreground[10, 64].R), 0, 2);
        Assert.InRange(Math.Abs(blended[120, 64].R - background[120, 64].R), 0, 2);
        // Across the seam the result moves monotonically from one side to the other: no ringing past either.
        var seam = Enumerable.Range(40, 48).Select(x => (int)blended[x, 64].B).ToList();
        Assert.All(seam, v => Assert.InRange(v, Math.Min(background[100, 64].B, foreground[40, 64].B) - 3, Math.Max(background[100, 64].B, foreground[87, 64].B) + 3));

        var all = MultiBandBlend.Blend(background, foreground, Filled(128, 128, 1));
        Assert.True(Enumerable.Range(0, 128).All(x => Math.Abs(all[x, 50].G - foreground[x, 50].G) <= 1));
    }

    static RgbaImage Gradient(int w, int h)
    {
        var img = new RgbaImage(w, h);
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                img[x, y] = new Rgba32((byte)(x * 255 / (w - 1)), (byte)(y * 255 / (h - 1)), (byte)((x + y) * 255 / (w + h - 2)));
        return img;
    }

    static FloatPlane Filled(int w, int h, float v)
    {
        var p = new FloatPlane(w, h);
        p.Data.AsSpan().Fill(v);
        return p;
    }

    static (Vector2 Center, float Radius) Circumcircle(Vector2 a, Vector2 b, Vector2 c)
    {
        double ax = a.X, ay = a.Y, bx = b.X, by = b.Y, cx = c.X, cy = c.Y;
        var d = 2 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by));
        var ux = ((ax * ax + ay * ay) * (by - cy) + (bx * bx + by * by) * (cy - ay) + (cx * cx + cy * cy) * (ay - by)) / d;
        var uy = ((ax * ax + ay * ay) * (cx - bx) + (bx * bx + by * by) * (ax - cx) + (cx * cx + cy * cy) * (bx - ax)) / d;
        var center = new Vector2((float)ux, (float)uy);
        return (center, Vector2.Distance(center, a));
    }
}
