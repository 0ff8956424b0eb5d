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

    public override string ToString() => $"FloatPlane {Width}x{Height}";
}
