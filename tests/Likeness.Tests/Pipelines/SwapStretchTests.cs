using System.Numerics;
using Likeness.Imaging;
using Likeness.Imaging.Transforms;
using Likeness.Pipelines.Swap;
using Likeness.Vision.Faces.Landmarks;

namespace Likeness.Tests.Pipelines;

/// <summary>
/// A triangle the source shows foreshortened is smeared into streaks when spread over a wide target cheek; in the outer
/// ring of the face it gives way to the target's own skin, inside the face it never does (a hole would show the nose).
/// </summary>
public sealed class SwapStretchTests
{
    // A ring of 12 oval points around an inner ring of 6 and a centre: a face-shaped triangulation.
    static Vector2[] Face(float squeezeLeft = 1)
    {
        var points = new List<Vector2>();
        for (var i = 0; i < 12; i++)
        {
            var a = i * MathF.PI / 6;
            var p = new Vector2(100 + 80 * MathF.Cos(a), 100 + 100 * MathF.Sin(a));
            if (p.X < 60) p.X = 100 - (100 - p.X) * squeezeLeft;    // the outer left points only
            points.Add(p);
        }
        for (var i = 0; i < 6; i++)
        {
            var a = i * MathF.PI / 3 + 0.3f;
            points.Add(new Vector2(100 + 25 * MathF.Cos(a), 100 + 30 * MathF.Sin(a)));
        }
        points.Add(new Vector2(100, 100));
        return [.. points];
    }

    /// <summary>The inner face as <see cref="LandmarkMasks.InnerFaceOval"/> makes it: the oval shrunk about its centre.</summary>
    static Vector2[] Oval(Vector2[] points)
    {
        var oval = points.Take(12).ToArray();
        var centre = oval.Aggregate(Vector2.Zero, (sum, p) => sum + p) / oval.Length;
        return oval.Select(p => centre + (p - centre) * LandmarkMasks.InnerFaceShare).ToArray();
    }

    [Fact]
    public void The_same_geometry_or_a_uniform_scale_trusts_every_triangle()
    {
        var face = Face();
        var triangles = Delaunay.Triangulate(face);
        Assert.All(FaceSwapper.StretchWeights(face, face, triangles, Oval(face)), w => Assert.Equal(1f, w, 3));
        var twice = face.Select(p => p * 2).ToArray();
        Assert.All(FaceSwapper.StretchWeights(face, twice, triangles, Oval(twice)), w => Assert.Equal(1f, w, 3));
    }

    [Fact]
    public void Outer_triangles_squeezed_in_the_source_fade_and_inner_ones_stay()
    {
        var target = Face();
        var source = Face(squeezeLeft: 0.45f);   // the left edge of a turned head: the outer left strip is thin in the source
        var triangles = Delaunay.Triangulate(target);
        var weights = FaceSwapper.StretchWeights(source, target, triangles, Oval(target));
        var inner = target.Skip(12).ToArray();
        int faded = 0;
        for (var t = 0; t < weights.Length; t++)
        {
            var corners = new[] { triangles[3 * t], triangles[3 * t + 1], triangles[3 * t + 2] };
            if (corners.All(i => i >= 12)) Assert.Equal(1f, weights[t], 3);    // the inside of the face: never a hole
            if (weights[t] < 0.5f)
            {
                faded++;
                Assert.Contains(corners, i => i < 12 && target[i].X < 60);       // only where the source was squeezed
            }
        }
        Assert.True(faded > 0, "a triangle stretched several times more than the face was still fully trusted");
    }

    [Fact]
    public void The_warp_multiplies_coverage_by_the_triangle_weight()
    {
        var source = new RgbaImage(200, 200);
        source.Data.AsSpan().Fill(255);
        var face = Face();
        var triangles = Delaunay.Triangulate(face);
        var weights = Enumerable.Repeat(1f, triangles.Length / 3).ToArray();
        weights[0] = 0.25f;
        var (_, coverage) = PiecewiseAffineWarp.Warp(source, face, face, [], triangles, new Rect(0, 0, 200, 200), weights);
        var (a, b, c) = (face[triangles[0]], face[triangles[1]], face[triangles[2]]);
        var middle = (a + b + c) / 3;
        Assert.Equal(0.25f, coverage[(int)MathF.Round(middle.X), (int)MathF.Round(middle.Y)], 2);
        var (_, full) = PiecewiseAffineWarp.Warp(source, face, face, [], triangles, new Rect(0, 0, 200, 200));
        Assert.Equal(1f, full[(int)MathF.Round(middle.X), (int)MathF.Round(middle.Y)], 2);
    }
}
