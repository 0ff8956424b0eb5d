namespace Likeness.Imaging;

/// <summary>A single-channel float image (masks, alpha, luminance, heat maps), row-major.</summary>
public sealed class FloatPlane
{
    public int Width { get; }
    public int Height { get; }
    public float[] Data { get; }

    public FloatPlane(int width, int height) : this(width, height, new float[checked(width * height)]) { }

    public FloatPlane(int width, int height, float[] data)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"plane size must be positive, got {width}x{height}");
        if (data.Length != (long)width * height) throw new ArgumentException($"buffer holds {data.Length} floats, {width}x{height} needs {(long)width * height}", nameof(data));
        Width = width;
        Height = height;
        Data = data;
    }

    public Span<float> Row(int y) => Data.AsSpan(y * Width, Width);

    public float this[int x, int y]
    {
        get => Data[y * Width + x];
        set => Data[y * Width + x] = value;
    }

    public FloatPlane Clone() => new(Width, Height, (float[])Data.Clone());

    /// <summary>The smallest rectangle holding every value above <paramref name="threshold"/>, or null when there is none.</summary>
    public Rect? BoundsAbove(float threshold)
    {
        int left = Width, top = Height, right = -1, bottom = -1;
        for (int y = 0; y < Height; y++)
        {
            var row = Row(y);
            for (int x = 0; x < row.Length; x++)
            {
                if (row[x] <= threshold) continue;
                if (x < left) left = x;
                if (x > right) right = x;
                if (y < top) top = y;
                bottom = y;
            }
        }
        return right < 0 ? null : Rect.FromEdges(left, top, right + 1, bottom + 1);
    }

    public override string ToString() => $"FloatPlane {Width}x{Height}";
}
