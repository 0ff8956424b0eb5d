using System.Diagnostics;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Likeness.Imaging.Internal;

/// <summary>Reads source row <c>y</c> as interleaved floats.</summary>
internal delegate void RowReader(int y, Span<float> dest);
/// <summary>Turns one source row into one horizontally processed row.</summary>
internal delegate void RowTransform(ReadOnlySpan<float> src, Span<float> dest);
/// <summary>Stores finished output row <c>y</c>.</summary>
internal delegate void RowWriter(int y, ReadOnlySpan<float> src);

/// <summary>
/// Runs a separable filter: each source row goes through a horizontal step once (cached), then every
/// output row is a weighted sum of those rows. Resizing and blurring are both this pattern.
/// </summary>
internal static class SeparablePass
{
    /// <param name="srcRowLength">Floats per source row (width x channels).</param>
    /// <param name="midRowLength">Floats per horizontally processed row, also per output row.</param>
    /// <param name="horizontal">Makes one row transform per worker, so transforms may own scratch buffers.</param>
    public static void Run(int srcRowLength, int midRowLength, Taps vertical, RowReader read,
        Func<RowTransform> horizontal, RowWriter write)
    {
        long work = (long)midRowLength * vertical.Count;
        ParallelRows.For(vertical.Count, work, (first, end) =>
        {
            var cache = new RowCache(vertical.MaxTaps + 1, srcRowLength, midRowLength, read, horizontal());
            var sum = new float[midRowLength];
            for (int y = first; y < end; y++)
            {
                var indices = vertical.Indices(y);
                var weights = vertical.Weights(y);
                int lowest = int.MaxValue;
                foreach (int i in indices) lowest = Math.Min(lowest, i);
                Array.Clear(sum);
                for (int k = 0; k < indices.Length; k++)
                    TensorPrimitives.MultiplyAdd(cache.Get(indices[k], lowest), weights[k], sum, sum);
                write(y, sum);
            }
        });
    }

    /// <summary>Horizontal step that gathers taps per output pixel over <paramref name="channels"/> interleaved channels.</summary>
    public static RowTransform Gather(Taps taps, int channels) => channels switch
    {
        1 => (src, dst) =>
        {
            for (int x = 0; x < taps.Count; x++)
            {
                var idx = taps.Indices(x);
                var w = taps.Weights(x);
                float acc = 0;
                for (int k = 0; k < idx.Length; k++) acc += src[idx[k]] * w[k];
                dst[x] = acc;
            }
        },
        4 => (src, dst) =>
        {
            var s = MemoryMarshal.Cast<float, Vector4>(src);
            var d = MemoryMarshal.Cast<float, Vector4>(dst);
            for (int x = 0; x < taps.Count; x++)
            {
                var idx = taps.Indices(x);
                var w = taps.Weights(x);
                Vector4 acc = default;
                for (int k = 0; k < idx.Length; k++) acc += s[idx[k]] * w[k];
                d[x] = acc;
            }
        },
        _ => throw new ArgumentOutOfRangeException(nameof(channels), "only 1 or 4 channels are supported"),
    };

    /// <summary>
    /// Horizontal convolution with a centred kernel and replicated edges: pad the row once, then the
    /// output is a sum of shifted copies, which TensorPrimitives vectorises.
    /// </summary>
    public static Func<RowTransform> Convolve(ReadOnlySpan<float> kernel, int width, int channels)
    {
        float[] k = kernel.ToArray();
        int radius = k.Length / 2;
        return () =>
        {
            var padded = new float[(width + 2 * radius) * channels];
            return (src, dst) =>
            {
                var left = src[..channels];
                var right = src[^channels..];
                for (int i = 0; i < radius; i++)
                {
                    left.CopyTo(padded.AsSpan(i * channels));
                    right.CopyTo(padded.AsSpan((radius + width + i) * channels));
                }
                src.CopyTo(padded.AsSpan(radius * channels));
                dst.Clear();
                for (int i = 0; i < k.Length; i++)
                    TensorPrimitives.MultiplyAdd(padded.AsSpan(i * channels, width * channels), k[i], dst, dst);
            };
        };
    }

    /// <summary>Horizontally processed rows, recycled oldest-first since tap ranges only move down.</summary>
    sealed class RowCache(int slots, int srcRowLength, int midRowLength, RowReader read, RowTransform horizontal)
    {
        readonly int[] _rowOf = Enumerable.Repeat(int.MinValue, slots).ToArray();
        readonly float[][] _rows = Enumerable.Range(0, slots).Select(_ => new float[midRowLength]).ToArray();
        readonly float[] _source = new float[srcRowLength];

        public float[] Get(int row, int lowestNeeded)
        {
            int victim = 0;
            for (int i = 0; i < _rowOf.Length; i++)
            {
                if (_rowOf[i] == row) return _rows[i];
                if (_rowOf[i] < _rowOf[victim]) victim = i;
            }
            Debug.Assert(_rowOf[victim] < lowestNeeded, "evicting a row that is still needed");
            read(row, _source);
            horizontal(_source, _rows[victim]);
            _rowOf[victim] = row;
            return _rows[victim];
        }
    }
}
