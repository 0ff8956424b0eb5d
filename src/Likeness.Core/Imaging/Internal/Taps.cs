namespace Likeness.Imaging.Internal;

/// <summary>
/// For each output index along one axis, the source indices it reads and their weights.
/// Every builder here yields tap ranges whose lowest index never decreases with the output index;
/// <see cref="SeparablePass"/> relies on that to recycle cached rows.
/// </summary>
internal sealed class Taps
{
    readonly int[] _offsets;
    readonly int[] _index;
    readonly float[] _weight;

    Taps(List<int> offsets, List<int> index, List<float> weight)
    {
        _offsets = offsets.ToArray();
        _index = index.ToArray();
        _weight = weight.ToArray();
        for (int i = 0; i < Count; i++) MaxTaps = Math.Max(MaxTaps, _offsets[i + 1] - _offsets[i]);
    }

    public int Count => _offsets.Length - 1;
    public int MaxTaps { get; }

    public ReadOnlySpan<int> Indices(int i) => _index.AsSpan(_offsets[i], _offsets[i + 1] - _offsets[i]);
    public ReadOnlySpan<float> Weights(int i) => _weight.AsSpan(_offsets[i], _offsets[i + 1] - _offsets[i]);

    /// <summary>Pixel-centre aligned linear interpolation (OpenCV INTER_LINEAR), edges clamped.</summary>
    public static Taps Linear(int srcSize, int dstSize)
    {
        var b = new Builder();
        double scale = (double)srcSize / dstSize;
        for (int d = 0; d < dstSize; d++)
        {
            double s = (d + 0.5) * scale - 0.5;
            int s0 = (int)Math.Floor(s);
            float f = (float)(s - s0);
            b.Add(Math.Clamp(s0, 0, srcSize - 1), 1 - f);
            b.Add(Math.Clamp(s0 + 1, 0, srcSize - 1), f);
            b.EndOutput();
        }
        return b.Build();
    }

    /// <summary>
    /// Area averaging (OpenCV INTER_AREA) for shrinking: each output averages the source span it covers,
    /// weighting partly covered pixels by their overlap. Enlarging falls back to <see cref="Linear"/>.
    /// </summary>
    public static Taps Area(int srcSize, int dstSize)
    {
        if (dstSize >= srcSize) return Linear(srcSize, dstSize);
        var b = new Builder();
        double scale = (double)srcSize / dstSize;
        for (int d = 0; d < dstSize; d++)
        {
            double start = d * scale, end = (d + 1) * scale;
            for (int s = (int)Math.Floor(start); s < end && s < srcSize; s++)
            {
                double overlap = Math.Min(end, s + 1) - Math.Max(start, s);
                if (overlap > 1e-9) b.Add(s, (float)(overlap / scale));
            }
            b.EndOutput();
        }
        return b.Build();
    }

    /// <summary>A centred convolution kernel (odd length) with edge pixels replicated.</summary>
    public static Taps Convolution(int size, ReadOnlySpan<float> kernel)
    {
        int radius = kernel.Length / 2;
        var b = new Builder();
        for (int d = 0; d < size; d++)
        {
            for (int k = 0; k < kernel.Length; k++) b.Add(Math.Clamp(d + k - radius, 0, size - 1), kernel[k]);
            b.EndOutput();
        }
        return b.Build();
    }

    sealed class Builder
    {
        readonly List<int> _offsets = [0];
        readonly List<int> _index = [];
        readonly List<float> _weight = [];

        public void Add(int index, float weight)
        {
            _index.Add(index);
            _weight.Add(weight);
        }

        public void EndOutput() => _offsets.Add(_index.Count);
        public Taps Build() => new(_offsets, _index, _weight);
    }
}
