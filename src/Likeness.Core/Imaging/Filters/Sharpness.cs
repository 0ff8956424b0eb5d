namespace Likeness.Imaging.Filters;

public static class Sharpness
{
    /// <summary>
    /// Variance of the 4-neighbour Laplacian over interior pixels (the one-pixel border is skipped).
    /// Higher is sharper. On a 0..1 plane this is OpenCV's 0..255 figure divided by 255².
    /// </summary>
    public static double VarianceOfLaplacian(this FloatPlane plane)
    {
        int w = plane.Width, h = plane.Height;
        if (w < 3 || h < 3) return 0;
        var d = plane.Data;
        double sum = 0, sumSq = 0;
        for (int y = 1; y < h - 1; y++)
        {
            for (int x = 1, i = y * w + 1; x < w - 1; x++, i++)
            {
                double l = d[i - 1] + d[i + 1] + d[i - w] + d[i + w] - 4.0 * d[i];
                sum += l;
                sumSq += l * l;
            }
        }
        double n = (double)(w - 2) * (h - 2);
        double mean = sum / n;
        return Math.Max(0, sumSq / n - mean * mean);
    }
}
