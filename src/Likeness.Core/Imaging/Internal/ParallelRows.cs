namespace Likeness.Imaging.Internal;

/// <summary>Splits row loops across cores, but only when the image is big enough to pay for it.</summary>
internal static class ParallelRows
{
    const long MinPixelsForParallel = 1 << 18;

    /// <summary>Calls <paramref name="body"/>(firstRow, endRow) over bands covering [0, rows).</summary>
    public static void For(int rows, long pixels, Action<int, int> body)
    {
        int workers = Environment.ProcessorCount;
        if (pixels < MinPixelsForParallel || workers < 2 || rows < 2)
        {
            body(0, rows);
            return;
        }
        int bands = Math.Min(rows, workers * 2);
        // The current scheduler, not the thread pool: a server runs job steps on low-priority threads (JobThreads).
        Parallel.For(0, bands, new ParallelOptions { TaskScheduler = TaskScheduler.Current }, i => body((int)((long)i * rows / bands), (int)((long)(i + 1) * rows / bands)));
    }
}
