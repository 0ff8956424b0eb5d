using Likeness.Imaging;

namespace Likeness.Tests.Imaging;

internal static class TestImages
{
    /// <summary>A plane from rows of values.</summary>
    public static FloatPlane Plane(float[,] rows)
    {
        int h = rows.GetLength(0), w = rows.GetLength(1);
        var p = new FloatPlane(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) p[x, y] = rows[y, x];
        return p;
    }

    /// <summary>A w x h plane holding 0, 1, 2, ... in row-major order.</summary>
    public static FloatPlane Counting(int w, int h)
    {
        var p = new FloatPlane(w, h);
        for (int i = 0; i < p.Data.Length; i++) p.Data[i] = i;
        return p;
    }

    public static void Equal(float[] expected, FloatPlane actual, float tolerance = 1e-5f)
    {
        Assert.Equal(expected.Length, actual.Data.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual.Data[i]) <= tolerance,
                $"index {i} (x={i % actual.Width}, y={i / actual.Width}): expected {expected[i]}, got {actual.Data[i]}");
    }

    public static int CountWhere(RgbaImage img, Func<Rgba32, bool> predicate)
    {
        int n = 0;
        foreach (var p in img.Pixels) if (predicate(p)) n++;
        return n;
    }
}
